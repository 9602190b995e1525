import "@testing-library/jest-dom/vitest";

// jsdom lacks these; Ant Design's responsive parts ask for them.
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = NoResize;
// Ant Design measures scrollbars through getComputedStyle with a pseudo-element, which jsdom does not implement.
const realGetComputedStyle = window.getComputedStyle;
window.getComputedStyle = (elt: Element) => realGetComputedStyle(elt);
