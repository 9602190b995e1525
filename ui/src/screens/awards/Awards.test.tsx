import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { fakeCore, EMPTY_REFS } from "../../test/fakeCore";
import type { Award } from "../../backend";
import { AwardsScreen, lastMonths } from "./AwardsScreen";

afterEach(() => vi.restoreAllMocks());

const award = (id: string, extra: Partial<Award> = {}): Award => ({
  id,
  kind: "valor",
  person_id: null,
  name: "王小明",
  village_id: "v1",
  village_name: "青山村",
  deed: "跳入鱼塘救起落水儿童",
  deed_on: "2026-11-02",
  incident_id: null,
  dispute_id: null,
  nominated_on: "2026-11-03",
  decision: "pending",
  decided_on: null,
  decided_by: null,
  amount_fen: 0,
  paid_on: null,
  notes: null,
  ...extra,
});
const figures = (valor: number) => ({
  valor: { nominated: 1, approved: 1, paid: 1, paid_fen: valor },
  good_person: { nominated: 2, approved: 1, paid: 1, paid_fen: 20000 },
  total: { nominated: 3, approved: 2, paid: 2, paid_fen: valor + 20000 },
  grid_rewards_fen: 2000,
  all_paid_fen: valor + 22000,
});
const REFS = { ...EMPTY_REFS, "incident.list": { total: 0, page: 1, page_size: 50, items: [] }, "dispute.list": { total: 0, page: 1, page_size: 20, items: [] } };

const at = () =>
  render(
    <App>
      <AwardsScreen />
    </App>,
  );

describe("表彰奖励", () => {
  it("lists nominations with where each stands, filters by kind, and shows the month beside the 网格红包", async () => {
    const core = fakeCore({
      ...REFS,
      "award.list": (f: Record<string, unknown>) =>
        f.kind === "good_person"
          ? [award("a2", { kind: "good_person", name: "严桂英", decision: "declined", decided_on: "2026-11-09" })]
          : [award("a1", { decision: "approved", decided_on: "2026-11-10", amount_fen: 200000, paid_on: "2026-11-12" }), award("a3")],
      "award.month": figures(200000),
    });
    const user = userEvent.setup({ delay: null });
    at();
    const rows = await screen.findAllByTestId("award-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText("已发放")).toBeInTheDocument();
    expect(within(rows[0]).getByText("2,000.00 元")).toBeInTheDocument();
    expect(within(rows[1]).getByText("待审")).toBeInTheDocument();
    const month = await screen.findByTestId("award-month");
    expect(within(month).getByText("2,220.00 元")).toBeInTheDocument();
    expect(within(month).getByText("20.00 元")).toBeInTheDocument();
    await user.click(within(screen.getByTestId("award-filter-kind")).getByRole("combobox"));
    await user.click(await screen.findByTitle("好人"));
    await waitFor(() => expect(screen.getAllByTestId("award-row")).toHaveLength(1));
    expect(screen.getByText("不予批准")).toBeInTheDocument();
    expect(core.of("award.list").at(-1)).toMatchObject({ kind: "good_person", decision: null, month: null });
  });

  it("登记提名: the core's refusal shows under its field and what was typed stays; then 审批 and 发放 from the detail", async () => {
    let current = award("a9");
    const core = fakeCore({
      ...REFS,
      "award.list": () => [current],
      "award.month": figures(0),
      "award.create": (p: Record<string, unknown>) => {
        if (p.deed_on === "2026-11-24") throw { code: "validation", message: "事迹发生日期不能晚于提名日期 2026-11-23", field: "deed_on" };
        current = award("a9", { name: String(p.name), deed: String(p.deed), deed_on: String(p.deed_on), nominated_on: "2026-11-23" });
        return current;
      },
      "award.decide": (p: Record<string, unknown>) => {
        current = { ...current, decision: p.decision as Award["decision"], decided_on: "2026-11-23", decided_by: "县见义勇为基金会", amount_fen: 200000 };
        return current;
      },
      "award.pay": () => {
        current = { ...current, paid_on: "2026-11-23" };
        return current;
      },
    });
    const user = userEvent.setup({ delay: null });
    at();
    await user.click(await screen.findByTestId("award-new"));
    const form = within(await screen.findByTestId("award-form"));
    await user.type(form.getByTestId("award-name"), "王小明");
    await user.type(form.getByTestId("award-deed"), "协助抓获盗窃嫌疑人");
    await user.click(form.getByTestId("award-deed-on"));
    await user.keyboard("2026-11-24");
    await user.click(form.getByTestId("award-save"));
    expect(await form.findByText("事迹发生日期不能晚于提名日期 2026-11-23")).toBeInTheDocument();
    expect(form.getByTestId("award-deed")).toHaveValue("协助抓获盗窃嫌疑人");
    await user.click(form.getByTestId("award-deed-on"));
    await user.keyboard("{Control>}a{/Control}2026-11-20");
    await user.click(form.getByTestId("award-save"));
    const detail = await screen.findByTestId("award-detail");
    expect(within(detail).getByText("协助抓获盗窃嫌疑人")).toBeInTheDocument();
    expect(core.of("award.create").at(-1)).toMatchObject({ kind: "valor", name: "王小明", deed_on: "2026-11-20" });

    await user.click(screen.getByTestId("award-decide"));
    const decide = within(await screen.findByTestId("award-decide-form"));
    await user.type(decide.getByTestId("award-amount"), "2000");
    await user.click(decide.getByTestId("award-decide-save"));
    await waitFor(() => expect(within(screen.getByTestId("award-detail")).getByText("2,000.00 元")).toBeInTheDocument());
    expect(core.of("award.decide")).toEqual([{ id: "a9", decision: "approved", amount_yuan: "2000", decided_on: null, decided_by: null }]);

    await user.click(screen.getByTestId("award-pay"));
    await user.click(within(await screen.findByTestId("award-pay-form")).getByTestId("award-pay-save"));
    await waitFor(() => expect(within(screen.getByTestId("award-detail")).getByText("已发放")).toBeInTheDocument());
    expect(core.of("award.pay")).toEqual([{ id: "a9", paid_on: null }]);
    expect(screen.queryByTestId("award-pay")).not.toBeInTheDocument();
  }, 180000);

  it("offers the twelve months up to this one, across a new year", () => {
    expect(lastMonths("2027-02", 4)).toEqual(["2027-02", "2027-01", "2026-12", "2026-11"]);
  });
});
