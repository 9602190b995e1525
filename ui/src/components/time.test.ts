import { afterEach, describe, expect, it, vi } from "vitest";
import dayjs from "dayjs";
import { beijingNow, beijingTime, thisMonth, today } from "./time";

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

describe("today and now", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    vi.useRealTimers();
    process.env.TZ = zone;
  });

  it("are Beijing's on a PC set to another zone", () => {
    process.env.TZ = "America/Los_Angeles";
    // 01:30 on 6 December in Beijing; still the 5th, 09:30, in Los Angeles.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T17:30:00Z"));
    expect(dayjs().format("YYYY-MM-DD HH:mm")).toBe("2026-12-05 09:30");
    expect(today()).toBe("2026-12-06");
    expect(beijingNow().format("YYYY-MM-DD HH:mm")).toBe("2026-12-06 01:30");
    vi.setSystemTime(new Date("2026-12-31T16:30:00Z"));
    expect(thisMonth()).toBe("2027-01");
  });
});
