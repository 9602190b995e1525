import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { fakeCore } from "../../test/fakeCore";
import { CalendarWarning } from "./CalendarWarning";
import { renderCase } from "../../test/renderCase";
import fixture from "../../test/fixtures/dispute.json";

afterEach(() => vi.restoreAllMocks());

const NOTICE = "2027 年节假日安排尚未录入，期限按周一至周五计算";

describe("a year without a calendar", () => {
  it("is flagged on 首页 as the core words it, and not at all when every year is entered", async () => {
    fakeCore({ "calendar.notice": { years: [2027], notice: NOTICE } });
    const { unmount } = render(<CalendarWarning />);
    expect(await screen.findByTestId("calendar-warning")).toHaveTextContent(NOTICE);
    unmount();
    const core = fakeCore({ "calendar.notice": { years: [], notice: null } });
    await act(async () => {
      render(<CalendarWarning />);
    });
    expect(core.of("calendar.notice")).toHaveLength(1);
    expect(screen.queryByTestId("calendar-warning")).toBeNull();
  });

  it("is flagged on the dispute beside its 治安调解 deadline", async () => {
    const due = { nth: 1, due_on: "2027-01-04", text: "第一次治安调解应在受理（2026-12-30）后3个工作日内进行，最迟2027-01-04", calendar_notice: NOTICE };
    fakeCore({ "dispute.get": { ...fixture, track: "security", session_due: due }, "officer.list": [] });
    renderCase(fixture.id);
    const shown = await screen.findByTestId("session-due");
    expect(shown).toHaveTextContent("最迟2027-01-04");
    expect(shown).toHaveTextContent(NOTICE);
  });
});
