import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { CareScreen } from "./CareScreen";
import { CarePlanPage } from "./CarePlanPage";
import { CareDefaults } from "../settings/CareDefaults";

afterEach(() => vi.restoreAllMocks());

const DEFAULTS = [
  { tag: "elderly_alone", label: "独居老人", interval_days: 30, set_by_admin: false },
  { tag: "left_behind_child", label: "留守儿童", interval_days: 60, set_by_admin: true },
];
const plan = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  household_id: "h1",
  person_id: "p1",
  name,
  village_name: "青山村",
  group_name: "3组",
  address: "青山村3组12号",
  tag: "elderly_alone",
  tag_label: "独居老人",
  interval_days: 30,
  officer_id: "o1",
  officer_name: "李警官",
  volunteer_id: null,
  volunteer_name: null,
  started_on: "2026-01-01",
  ended_on: null,
  end_reason: null,
  notes: null,
  last_visit: "2026-10-20",
  next_due: "2026-11-19",
  days_late: 4,
  open_needs: 1,
  ...extra,
});
const DETAIL = (p: Record<string, unknown>) => ({ plan: plan(String(p.id), "王桂英"), visits: [], needs: [] });
const REFS = {
  "care.get": DETAIL,
  "village.list": [{ id: "v1", name: "青山村", code: null, sort: 1, groups: [] }],
  "officer.list": [{ id: "o1", name: "李警官", role: "officer", badge_no: null, phone: null, active: true }],
  "volunteer.list": [],
  "care.defaults": DEFAULTS,
};

const at = (path: string) =>
  render(
    <App>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/care" element={<CareScreen />} />
          <Route path="/care/:id" element={<CarePlanPage />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );

describe("结对帮扶", () => {
  it("lists the people under care, filters to the overdue ones, and opens a plan", async () => {
    const core = fakeCore({
      ...REFS,
      "care.list": (f: Record<string, unknown>) => ({
        total: f.due_only ? 1 : 2,
        page: 1,
        page_size: 20,
        items: f.due_only ? [plan("c1", "王桂英")] : [plan("c1", "王桂英"), plan("c2", "陈小军", { days_late: 0, next_due: "2099-01-01", open_needs: 0 })],
      }),
    });
    at("/care");
    expect(await screen.findAllByTestId("care-row")).toHaveLength(2);
    expect(within(screen.getAllByTestId("care-row")[0]).getByText("逾期 4 天")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("care-due-only"));
    await waitFor(() => expect(screen.getAllByTestId("care-row")).toHaveLength(1));
    expect(core.of("care.list").at(-1)).toMatchObject({ due_only: true, page: 1 });
    await userEvent.click(screen.getByText("王桂英"));
    expect(await screen.findByTestId("care-plan")).toBeInTheDocument();
    expect(core.of("care.get")).toEqual([{ id: "c1" }]);
  });

  it("制定帮扶计划: the tag's interval fills in, the core's refusal shows under its field, then the plan opens", async () => {
    const core = fakeCore({
      ...REFS,
      "care.list": { total: 0, page: 1, page_size: 20, items: [] },
      search: { total: 1, page: 1, page_size: 10, hits: [{ person_id: "p9", household_id: "h9", name: "王桂英", sex: null, birth_date: null, id_number: null, phone: "13800000000", address: null, village_name: "青山村", matched: "name" }] },
      "care.create": (p: Record<string, unknown>) => {
        if (p.interval_days === 999) throw { code: "validation", message: "走访周期应为1至366天", field: "interval_days" };
        return plan("c9", "王桂英", p);
      },
    });
    const user = userEvent.setup({ delay: null });
    at("/care");
    await user.click(await screen.findByTestId("care-new"));
    const form = within(await screen.findByTestId("care-form"));
    await user.type(form.getByRole("combobox", { name: "帮扶对象" }), "王桂");
    await waitFor(() => expect(core.of("search")).toHaveLength(1));
    await user.click(await screen.findByTitle("王桂英 13800000000 青山村"));
    await user.click(form.getByRole("combobox", { name: "帮扶类别" }));
    await user.click(await screen.findByText("留守儿童（每60天）"));
    expect(form.getByTestId("care-interval")).toHaveValue("60");
    await user.clear(form.getByTestId("care-interval"));
    await user.type(form.getByTestId("care-interval"), "999");
    await user.click(form.getByTestId("care-save"));
    expect(await form.findByText("走访周期应为1至366天")).toBeInTheDocument();
    await user.clear(form.getByTestId("care-interval"));
    await user.type(form.getByTestId("care-interval"), "45");
    await user.click(form.getByTestId("care-save"));
    expect(await screen.findByTestId("care-plan")).toBeInTheDocument();
    expect(core.of("care.get")).toEqual([{ id: "c9" }]);
    expect(core.of("care.create").at(-1)).toMatchObject({ person_id: "p9", tag: "left_behind_child", interval_days: 45 });
  }, 180000);

  it("a plan's page records a visit with a need found, and shows the needs and visits", async () => {
    let visits: unknown[] = [];
    const core = fakeCore({
      ...REFS,
      "care.get": (_: unknown) => ({
        plan: plan("c1", "王桂英"),
        visits,
        needs: [{ id: "n1", care_plan_id: "c1", kind: "documents", description: "身份证到期", found_on: "2026-10-20", visit_id: null, errand_id: "e1", errand_summary: "身份证换领（已送达）", status: "helped", help: "送证上门", closed_on: "2026-11-02" }],
      }),
      "care.visit": () => {
        visits = [{ id: "v1", household_id: "h1", person_id: "p1", person_name: "王桂英", officer_id: "o1", officer_name: "李警官", visited_on: "2026-11-23", notes: "身体尚可", needs: "低保申请：家中无收入" }];
        return visits[0];
      },
    });
    const user = userEvent.setup({ delay: null });
    at("/care/c1");
    expect(await screen.findByText("身份证换领（已送达）")).toBeInTheDocument();
    expect(screen.getByText("送证上门（2026-11-02）")).toBeInTheDocument();
    expect(screen.queryAllByTestId("care-visit-row")).toHaveLength(0);
    await user.click(screen.getByTestId("care-visit"));
    const form = within(await screen.findByTestId("care-visit-form"));
    await user.type(form.getByTestId("care-visit-notes"), "身体尚可");
    await user.type(form.getByTestId("care-visit-need"), "家中无收入");
    await user.click(form.getByTestId("care-visit-save"));
    expect(await screen.findByText("低保申请：家中无收入")).toBeInTheDocument();
    expect(core.of("care.visit")).toEqual([{ id: "c1", notes: "身体尚可", need: "家中无收入", visited_on: null, officer_id: null, need_kind: null }]);
  });
});

describe("设置 → 结对帮扶", () => {
  it("saves a tag's interval and shows it as the post's own", async () => {
    let defaults = DEFAULTS;
    const core = fakeCore({
      "care.defaults": () => defaults,
      "care.defaults_set": (p: { tag: string; interval_days: number }) => {
        defaults = defaults.map((d) => (d.tag === p.tag ? { ...d, interval_days: p.interval_days, set_by_admin: true } : d));
        return defaults;
      },
    });
    const user = userEvent.setup({ delay: null });
    render(<CareDefaults />);
    const box = await screen.findByLabelText("独居老人走访周期");
    await user.clear(box);
    await user.type(box, "20");
    await user.click(screen.getByTestId("care-default-save-elderly_alone"));
    await waitFor(() => expect(screen.getAllByText("本所设定")).toHaveLength(2));
    expect(core.of("care.defaults_set")).toEqual([{ tag: "elderly_alone", interval_days: 20 }]);
  });
});
