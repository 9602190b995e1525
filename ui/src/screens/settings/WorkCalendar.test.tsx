import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { WorkCalendar } from "./WorkCalendar";

afterEach(() => vi.restoreAllMocks());

const NOTICE = "2027 年节假日安排尚未录入，期限按周一至周五计算";
const empty = (year: number, editable: boolean) => ({ year, entered: false, days: [], years: [2025, 2026], editable, notice: NOTICE });

describe("设置 → 工作日历", () => {
  it("at an enrolled post shows the county's year and offers no form", async () => {
    fakeCore({ "calendar.year": (p: { year: number }) => empty(p.year, false) });
    render(<WorkCalendar />);
    expect(await screen.findByTestId("work-calendar-county")).toHaveTextContent("由县局统一录入");
    expect(screen.queryByTestId("work-calendar-text")).toBeNull();
  });

  it("at a post working alone sends the notice's lines and shows the core's refusal as it words it", async () => {
    const saved = { year: 2027, entered: true, years: [2025, 2026, 2027], editable: true, notice: null,
      days: [{ day: "2027-01-01", kind: "holiday", name: "元旦" }] };
    const core = fakeCore({
      "calendar.year": (p: { year: number }) => empty(p.year, true),
      "calendar.save": (p: { text: string }) => {
        if (p.text.includes("上班")) throw { code: "validation", field: "days[1]", message: "2027-01-04 是星期一，本来就上班：调休上班日应是星期六或星期日" };
        return saved;
      },
    });
    render(<WorkCalendar />);
    const year = await screen.findByTestId("work-calendar-year");
    await userEvent.clear(year);
    await userEvent.type(year, "2027");
    expect(await screen.findByTestId("work-calendar-notice")).toHaveTextContent(NOTICE);
    await userEvent.type(screen.getByTestId("work-calendar-text"), "元旦：1月1日放假。1月4日上班。");
    await userEvent.click(screen.getByTestId("work-calendar-save"));
    expect(await screen.findByTestId("work-calendar-error")).toHaveTextContent("2027-01-04 是星期一");
    await userEvent.clear(screen.getByTestId("work-calendar-text"));
    await userEvent.type(screen.getByTestId("work-calendar-text"), "元旦：1月1日放假");
    await userEvent.click(screen.getByTestId("work-calendar-save"));
    expect(await screen.findByText("2027-01-01")).toBeInTheDocument();
    expect(screen.queryByTestId("work-calendar-notice")).toBeNull();
    expect(core.of("calendar.save").at(-1)).toEqual({ year: 2027, text: "元旦：1月1日放假", days: null });
  });
});
