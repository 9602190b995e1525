import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render } from "@testing-library/react";
import { useIdleLock } from "./useIdleLock";

function Probe({ minutes, active, onIdle }: { minutes: number | null; active: boolean; onIdle: () => void }) {
  useIdleLock(minutes, active, onIdle);
  return <input data-testid="field" />;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("useIdleLock", () => {
  it("fires once after the minutes without input, and input puts it off", () => {
    const onIdle = vi.fn();
    const { getByTestId } = render(<Probe minutes={15} active onIdle={onIdle} />);
    act(() => vi.advanceTimersByTime(14 * 60_000));
    fireEvent.keyDown(getByTestId("field"), { key: "a" });
    act(() => vi.advanceTimersByTime(10 * 60_000));
    expect(onIdle).not.toHaveBeenCalled();
    fireEvent.mouseMove(window);
    act(() => vi.advanceTimersByTime(14 * 60_000 + 50_000));
    expect(onIdle).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(15_000));
    expect(onIdle).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(60 * 60_000));
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("does nothing when not logged in or already locked", () => {
    const onIdle = vi.fn();
    render(<Probe minutes={null} active onIdle={onIdle} />);
    render(<Probe minutes={15} active={false} onIdle={onIdle} />);
    act(() => vi.advanceTimersByTime(60 * 60_000));
    expect(onIdle).not.toHaveBeenCalled();
  });
});
