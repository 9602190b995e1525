/**
 * Instants come from the core as RFC 3339 in UTC (how they are stored and synced); officers
 * read them in Beijing time, whatever the PC's own zone is set to.
 */
const beijing = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** `2026-11-22T01:30:00Z` → `2026-11-22 09:30`; anything unreadable is shown as it came. */
export function beijingTime(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const p = Object.fromEntries(beijing.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}
