import { describe, expect, it } from "vitest";
import { beijingTime } from "./time";

describe("beijingTime", () => {
  it("shows a UTC instant in Beijing time, across midnight and the year's end", () => {
    expect(beijingTime("2026-11-22T01:30:00Z")).toBe("2026-11-22 09:30");
    expect(beijingTime("2026-12-31T16:05:59.999Z")).toBe("2027-01-01 00:05");
    expect(beijingTime("2026-11-22T09:30:00+08:00")).toBe("2026-11-22 09:30");
  });
  it("leaves what it cannot read as it came", () => {
    expect(beijingTime("从未")).toBe("从未");
  });
});
