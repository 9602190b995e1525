import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { dialogs } from "../../backend/dialogs";
import { DayPlanCard } from "./DayPlanCard";

vi.mock("../../backend/dialogs", () => ({
  dialogs: { saveFile: vi.fn(), openFile: vi.fn(), openFolder: vi.fn() },
  openInViewer: vi.fn(async () => {}),
}));

afterEach(() => vi.restoreAllMocks());

const place = (village: string | null, group: string | null, address: string | null) => ({
  village_id: village && `id-${village}`,
  village_name: village,
  group_name: group,
  address,
});
const item = (kind: string, id: string, subject: string, extra: Record<string, unknown> = {}) => ({
  kind,
  record_id: id,
  dispute_id: null,
  subject,
  detail: `${subject}的事`,
  due_on: "2026-11-23",
  days_late: 0,
  one_click: kind === "care_visit",
  place: place("青山村", "3组", "青山村3组12号"),
  ...extra,
});
const care = item("care_visit", "c1", "王桂英", { days_late: 4, due_on: "2026-11-19", detail: "独居老人，每30天走访，上次走访 2026-10-20，结对：李明" });
const PLAN = {
  date: "2026-11-23",
  weekday: "星期一",
  total: 4,
  counts: [
    { kind: "care_visit", count: 1 },
    { kind: "follow_up", count: 1 },
    { kind: "hazard", count: 1 },
    { kind: "warning", count: 1 },
  ],
  villages: [
    {
      name: "青山村",
      groups: [
        { name: "3组", items: [care, item("follow_up", "f1", "张李两家宅基地纠纷", { dispute_id: "d1" })] },
        { name: null, items: [item("hazard", "h1", "青山村桥头", { place: place("青山村", null, "青山村桥头") })] },
      ],
    },
    {
      name: "石桥村",
      groups: [{ name: "1组", items: [item("warning", "d2", "王陈两家借款纠纷", { dispute_id: "d2", due_on: null, place: place("石桥村", "1组", null) })] }],
    },
  ],
};
const EMPTY = { ...PLAN, total: 0, counts: [], villages: [] };

function Where() {
  const l = useLocation();
  return <div data-testid="where">{l.pathname + l.search}</div>;
}

const renderCard = () =>
  render(
    <App>
      <MemoryRouter initialEntries={["/"]}>
        <Routes>
          <Route path="/" element={<DayPlanCard />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );

describe("今日工作 on 首页", () => {
  it("lists the day by village and 组, in the core's order, with counts and what is late", async () => {
    fakeCore({ "day_plan.get": PLAN });
    renderCard();
    const villages = await screen.findAllByTestId("day-plan-village");
    expect(villages.map((v) => v.querySelector("strong")?.textContent)).toEqual(["青山村", "石桥村"]);
    const items = screen.getAllByTestId("day-plan-item");
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining("王桂英"),
      expect.stringContaining("张李两家宅基地纠纷"),
      expect.stringContaining("青山村桥头"),
      expect.stringContaining("王陈两家借款纠纷"),
    ]);
    expect(within(items[0]).getByText("3组")).toBeInTheDocument();
    expect(within(items[0]).getByText("逾期 4 天")).toBeInTheDocument();
    expect(within(items[3]).getByText("风险预警")).toHaveClass("ant-tag-red");
    expect(screen.getByText("今日工作（4 项）")).toBeInTheDocument();
    expect(screen.getByText("帮扶走访 1 · 回访 1 · 隐患 1 · 风险预警 1")).toBeInTheDocument();
  });

  it("records a care visit due in one click and shows the list again without it", async () => {
    let plan: unknown = PLAN;
    const core = fakeCore({
      "day_plan.get": () => plan,
      "care.visit": (p: Record<string, unknown>) => {
        plan = { ...PLAN, total: 3, villages: [{ ...PLAN.villages[0], groups: PLAN.villages[0].groups.slice(1) }, PLAN.villages[1]] };
        return { id: "v1", household_id: "h", person_id: "p", person_name: "王桂英", officer_id: null, officer_name: null, visited_on: "2026-11-23", notes: null, needs: null, ...p };
      },
    });
    renderCard();
    const [first] = await screen.findAllByTestId("day-plan-item");
    await userEvent.click(within(first).getByTestId("day-plan-visit"));
    expect(core.of("care.visit")).toEqual([{ id: "c1" }]);
    expect(await screen.findByText("已登记走访：王桂英（2026-11-23）")).toBeInTheDocument();
    await screen.findByText("今日工作（3 项）");
    expect(screen.queryByText("王桂英")).not.toBeInTheDocument();
    expect(core.of("day_plan.get")).toHaveLength(2);
  });

  it("opens a follow-up's dispute, a warning's dispute and a hazard's tab in one click", async () => {
    fakeCore({ "day_plan.get": PLAN });
    renderCard();
    await userEvent.click(await screen.findByText("王陈两家借款纠纷"));
    expect(screen.getByTestId("where")).toHaveTextContent("/disputes/d2");
  });

  it("opens the hazards tab for a hazard", async () => {
    fakeCore({ "day_plan.get": PLAN });
    renderCard();
    const items = await screen.findAllByTestId("day-plan-item");
    await userEvent.click(within(items[2]).getByTestId("day-plan-open"));
    expect(screen.getByTestId("where")).toHaveTextContent("/prevention?tab=hazards");
  });

  it("prints the route sheet where the save dialog says, and a cancelled dialog sends nothing", async () => {
    const core = fakeCore({ "day_plan.get": PLAN, "day_plan.pdf": (p: Record<string, unknown>) => ({ path: p.path, bytes: 1000, count: 2 }) });
    const save = vi.mocked(dialogs.saveFile).mockResolvedValueOnce(null).mockResolvedValueOnce("/home/u/今日工作路线单-2026-11-23.pdf");
    renderCard();
    await screen.findAllByTestId("day-plan-item");
    await userEvent.click(screen.getByTestId("day-plan-print"));
    expect(core.of("day_plan.pdf")).toEqual([]);
    await userEvent.click(screen.getByTestId("day-plan-print"));
    expect(save).toHaveBeenLastCalledWith("pdf", "今日工作路线单-2026-11-23.pdf", "保存今日工作路线单");
    expect(core.of("day_plan.pdf")).toEqual([{ path: "/home/u/今日工作路线单-2026-11-23.pdf", overwrite: true }]);
  });

  it("says so on a day with nothing due, and the print button is off", async () => {
    fakeCore({ "day_plan.get": EMPTY });
    renderCard();
    expect(await screen.findByText("今天没有到期的工作")).toBeInTheDocument();
    expect(screen.getByTestId("day-plan-print")).toBeDisabled();
  });
});
