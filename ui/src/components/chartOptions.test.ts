import { describe, expect, it } from "vitest";
import { barFigure, countAxis, countAxisMax } from "./chartOptions";

describe("chart options", () => {
  it("leaves a step of room above the tallest bar", () => {
    expect(countAxisMax(0)).toBe(1);
    expect(countAxisMax(3)).toBe(4);
    expect(countAxisMax(4)).toBe(5);
    expect(countAxisMax(10)).toBe(12);
    expect(countAxisMax(30)).toBe(40);
    expect(countAxisMax(248)).toBe(300);
    expect(countAxis().max({ max: 3 })).toBeGreaterThan(3);
  });

  it("labels a bar with its figure, an empty bar with nothing", () => {
    expect(barFigure.formatter({ value: 3 })).toBe("3");
    expect(barFigure.formatter({ value: 0 })).toBe("");
  });
});
