// Input hardening (security issue): names and notes holding markup or script payloads are
// shown as text in the people list, the household card and the dispute screens. The core
// stores such text verbatim where a field allows it, and data can arrive by sync, so the UI
// must never interpret it. Fixtures are real replies of the core (demo data) with payloads
// put into their text fields.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { transport } from "../backend/transport";
import { HouseholdsScreen } from "./people/HouseholdsScreen";
import { HouseholdCard } from "./people/HouseholdCard";
import { DisputesScreen } from "./disputes/DisputesScreen";
import { DisputeCase } from "./disputes/DisputeCase";
import households from "../test/fixtures/households.json";
import household from "../test/fixtures/household.json";
import disputes from "../test/fixtures/disputes.json";
import dispute from "../test/fixtures/dispute.json";

const IMG = "<img src=x onerror=alert(1)>";
const SCRIPT = "<script>window.__xss=1</script>";

function fakeCore() {
  vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
    const { method } = args as { method: string };
    switch (method) {
      case "village.list":
      case "officer.list":
        return [] as never;
      case "household.list":
        return households as never;
      case "household.get":
        return household as never;
      case "errand.list":
        return { items: [], page: 1, page_size: 50, total: 0 } as never;
      case "dispute.list":
        return disputes as never;
      case "dispute.get":
        return dispute as never;
      default:
        throw new Error(`unexpected ${method}`);
    }
  });
}

/** Nothing the payloads would create exists, and nothing ran. */
function expectInert(container: HTMLElement) {
  expect(container.querySelector('img[src="x"]')).toBeNull();
  expect(container.querySelector("img[onerror]")).toBeNull();
  expect(container.querySelector("script")).toBeNull();
  expect((window as unknown as { __xss?: number }).__xss).toBeUndefined();
  expect(window.alert).not.toHaveBeenCalled();
}

const textWith = (s: string) => (_: string, el: Element | null) =>
  !!el && el.children.length === 0 && (el.textContent ?? "").includes(s);

beforeEach(() => {
  window.alert = vi.fn();
  fakeCore();
});
afterEach(() => vi.restoreAllMocks());

describe("user text is rendered as text", () => {
  it("in the people list", async () => {
    const { container } = render(
      <MemoryRouter>
        <HouseholdsScreen />
      </MemoryRouter>,
    );
    expect(await screen.findByText(IMG)).toBeInTheDocument();
    expect(screen.getByText(SCRIPT)).toBeInTheDocument();
    expectInert(container);
  });

  it("in the household card: members, notes and visits", async () => {
    const { container } = render(
      <MemoryRouter initialEntries={[`/households/${household.id}`]}>
        <Routes>
          <Route path="/households/:id" element={<HouseholdCard />} />
        </Routes>
      </MemoryRouter>,
    );
    await waitFor(() => expect(screen.getAllByText(textWith(IMG)).length).toBeGreaterThanOrEqual(3));
    expect(screen.getAllByText(textWith(SCRIPT)).length).toBeGreaterThanOrEqual(2);
    expectInert(container);
  });

  it("in the disputes list and a dispute's parties, facts and mediation record", async () => {
    const list = render(
      <MemoryRouter>
        <DisputesScreen />
      </MemoryRouter>,
    );
    expect(await screen.findByText(IMG)).toBeInTheDocument();
    expectInert(list.container);
    list.unmount();

    const { container } = render(
      <MemoryRouter initialEntries={[`/disputes/${dispute.id}`]}>
        <Routes>
          <Route path="/disputes/:id" element={<DisputeCase />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await screen.findByText(`${IMG}纠纷`)).toBeInTheDocument();
    expect(screen.getAllByText(textWith(IMG)).length).toBeGreaterThanOrEqual(2);
    expect(screen.getAllByText(textWith(SCRIPT)).length).toBeGreaterThanOrEqual(2);
    expectInert(container);
  });
});
