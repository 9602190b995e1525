import { describe, expect, it } from "vitest";
import { yuan } from "./money";

describe("yuan", () => {
  it("shows fen as yuan with two decimals and thousands grouped", () => {
    expect(yuan(0)).toBe("0.00 元");
    expect(yuan(2000)).toBe("20.00 元");
    expect(yuan(5)).toBe("0.05 元");
    expect(yuan(17773900)).toBe("177,739.00 元");
    expect(yuan(123456789012)).toBe("1,234,567,890.12 元");
  });
});
