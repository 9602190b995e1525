import { describe, expect, it } from "vitest";
import { barFigure, countAxis, countAxisMax, pairedLineFigures } from "./chartOptions";

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

  it("puts each of two lines' figures on the side away from the other line", () => {
    const [incidents, disputes] = pairedLineFigures([2, 3, 4, 3, 4, 6, 0], [2, 0, 1, 4, 4, 10, 0]);
    const sides = (ps: typeof incidents) => ps.map((p) => (p.label.show ? p.label.position : "none"));
    expect(incidents.map((p) => p.value)).toEqual([2, 3, 4, 3, 4, 6, 0]);
    expect(sides(incidents)).toEqual(["top", "top", "top", "bottom", "top", "bottom", "top"]);
    expect(sides(disputes)).toEqual(["bottom", "none", "bottom", "top", "bottom", "top", "none"]);
  });
});
