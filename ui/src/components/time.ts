import dayjs from "dayjs";

/**
 * Instants come from the core as RFC 3339 in UTC (how they are stored and synced); officers
 * read them in Beijing time, whatever the PC's own zone is set to. "Today" and "now" are
 * Beijing's too, as in the core (`model::time`), so a screen and the records it saves agree.
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

/** An instant as Beijing's wall clock shows it, `YYYY-MM-DD HH:mm`. */
function wallClock(d: Date): string {
  const p = Object.fromEntries(beijing.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `2026-11-22T01:30:00Z` → `2026-11-22 09:30`; anything unreadable is shown as it came. */
export function beijingTime(instant: string): string {
  const d = new Date(instant);
  return Number.isNaN(d.getTime()) ? instant : wallClock(d);
}

/**
 * Now, as a dayjs whose date and time read Beijing's wall clock (to the minute) whatever the
 * PC's zone: for defaults, "today" and the pickers' 今天/此刻.
 */
export function beijingNow(): dayjs.Dayjs {
  return dayjs(wallClock(new Date()).replace(" ", "T"));
}

/** Today's date in Beijing, `YYYY-MM-DD`. */
export const today = () => beijingNow().format("YYYY-MM-DD");

/** This month in Beijing, `YYYY-MM`. */
export const thisMonth = () => beijingNow().format("YYYY-MM");
