import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { WarningCard } from "./WarningCard";

afterEach(() => vi.restoreAllMocks());

const record = (table: string, id: string, label: string) => ({ table, id, label, post_name: null });
const LIST = {
  counts: { red: 1, orange: 1, yellow: 0 },
  judged: 12,
  items: [
    {
      dispute_id: "d1",
      title: "王建国与李长林宅基地围墙纠纷",
      received_on: "2026-11-20",
      status: "registered",
      status_label: "已受理",
      post_name: null,
      risk: {
        level: "red",
        level_label: "红色预警",
        points: 60,
        reasons: [
          { signal: "violent_incident", signal_label: "关联暴力警情", points: 35, text: "关联涉暴力警情1起：2026-11-19 殴打（本纠纷）", records: [record("incident", "i1", "警情：2026-11-19 殴打“两人推搡”")] },
          { signal: "repeat_party", signal_label: "当事人重复涉纠纷", points: 25, text: "当事人王建国在12个月内另涉纠纷1件", records: [record("dispute", "d0", "纠纷“王建国与陈芳排水沟纠纷”（2026-07-16受理）")] },
        ],
      },
    },
    {
      dispute_id: "d2",
      title: "张三与李四借款纠纷",
      received_on: "2026-10-01",
      status: "mediating",
      status_label: "调解中",
      post_name: null,
      risk: { level: "orange", level_label: "橙色预警", points: 35, reasons: [{ signal: "same_pair", signal_label: "双方再次发生纠纷", points: 35, text: "张三、李四曾为纠纷“借款”的当事人", records: [record("dispute", "d9", "纠纷“借款”")] }] },
    },
  ],
};

function Where() {
  const l = useLocation();
  return <div data-testid="where">{l.pathname + l.search}</div>;
}

const renderCard = () =>
  render(
    <MemoryRouter initialEntries={["/"]}>
      <Routes>
        <Route path="/" element={<WarningCard />} />
        <Route path="*" element={<Where />} />
      </Routes>
    </MemoryRouter>,
  );

describe("风险预警 on 首页", () => {
  it("lists the core's warnings in its order, each with its level and reasons", async () => {
    const core = fakeCore({ "warning.list": LIST });
    renderCard();
    const items = await screen.findAllByTestId("warning-item");
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByText("红色预警")).toHaveClass("ant-tag-red");
    expect(within(items[0]).getByText("关联涉暴力警情1起：2026-11-19 殴打（本纠纷）")).toBeInTheDocument();
    expect(within(items[0]).getByText("当事人王建国在12个月内另涉纠纷1件")).toBeInTheDocument();
    expect(within(items[1]).getByText("橙色预警")).toHaveClass("ant-tag-orange");
    expect(screen.getByText("风险预警（红色 1 · 橙色 1 · 黄色 0）")).toBeInTheDocument();
    expect(core.of("warning.list")).toEqual([{ limit: 20 }]);
  });

  it("opens the case in one click, and a reason's incident from its link", async () => {
    fakeCore({ "warning.list": LIST });
    renderCard();
    const items = await screen.findAllByTestId("warning-item");
    await userEvent.click(within(items[0]).getByText("王建国与李长林宅基地围墙纠纷"));
    expect(screen.getByTestId("where")).toHaveTextContent("/disputes/d1");
  });

  it("follows a reason's record to the incident", async () => {
    fakeCore({ "warning.list": LIST });
    renderCard();
    const items = await screen.findAllByTestId("warning-item");
    await userEvent.click(within(items[0]).getByText("警情：2026-11-19 殴打“两人推搡”"));
    expect(screen.getByTestId("where")).toHaveTextContent("/incidents?incident=i1");
  });

  it("says so when no open dispute is at risk", async () => {
    fakeCore({ "warning.list": { counts: { red: 0, orange: 0, yellow: 0 }, judged: 7, items: [] } });
    renderCard();
    expect(await screen.findByText("7 件在办纠纷均无预警")).toBeInTheDocument();
  });
});
