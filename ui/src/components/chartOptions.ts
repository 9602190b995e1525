/**
 * Shared pieces of the screens' ECharts options for bar charts of counts, so the charts look
 * alike: the legend above the plot (ECharts 6 puts it at the bottom, over rotated axis labels),
 * room above the tallest bar for its figure, whole numbers only.
 */

/** The highest value the count axis shows: at least a tenth above the tallest bar, on a round
 * step (1, 2, 3, 5 or 10 times a power of ten, about five to the axis), never below 1. */
export function countAxisMax(tallest: number): number {
  if (!(tallest > 0)) return 1;
  const step = Math.max(1, roundStep(tallest / 5));
  return Math.ceil((tallest * 1.1) / step) * step;
}

function roundStep(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  const f = x / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 3 ? 3 : f <= 5 ? 5 : 10) * power;
}

/** A value axis of counts with room above the tallest bar. */
export const countAxis = () => ({
  type: "value" as const,
  minInterval: 1,
  max: ({ max }: { max: number }) => countAxisMax(max),
});

/** The figure on top of each bar; a bar of 0 carries none. */
export const barFigure = {
  show: true,
  position: "top" as const,
  fontSize: 11,
  formatter: ({ value }: { value: unknown }) => (value ? String(value) : ""),
};

/** A legend in one row above the plot; the plot's grid starts below it. */
export const legendAbove = { top: 0, left: "center" as const, itemHeight: 10 };
export const GRID_TOP_WITH_LEGEND = 44;

/** One point of a line series with its figure placed by `pairedLineFigures`. */
export interface LinePoint {
  value: number;
  label: { show: boolean; position: "top" | "bottom" };
}

/**
 * The points of two line series drawn on one chart, each figure on the side away from the
 * other line, so that figures at the same month never sit on each other: the higher point's
 * above, the lower point's below (ties: the first series' above). A lower point of 0 sits on
 * the axis and carries no figure, which would land on the month's name.
 */
export function pairedLineFigures(first: number[], second: number[]): [LinePoint[], LinePoint[]] {
  const point = (value: number, above: boolean): LinePoint => ({
    value,
    label: { show: above || value !== 0, position: above ? "top" : "bottom" },
  });
  return [
    first.map((v, i) => point(v, v >= (second[i] ?? 0))),
    second.map((v, i) => point(v, v > (first[i] ?? 0))),
  ];
}
