import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { App } from "antd";
import { fakeCore } from "../../test/fakeCore";
import { ImportPanel, StatsPanel } from "./ReportsScreen";

vi.mock("../../backend/dialogs", () => ({
  dialogs: { saveFile: vi.fn(), openFile: vi.fn(), openFolder: vi.fn() },
  openInViewer: vi.fn(async () => {}),
}));
import { dialogs } from "../../backend/dialogs";
// jsdom cannot draw on a canvas: the chart shows what it was given instead.
vi.mock("../../components/Chart", () => ({
  Chart: ({ option }: { option: { series: { name: string; data: number[] }[] } }) => (
    <div data-testid="chart">{option.series.map((s) => `${s.name}:${s.data.join(",")}`).join(" ")}</div>
  ),
}));

afterEach(() => {
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

/** Renders a panel inside antd's App (for its messages) and returns a user to work it. */
function show(panel: ReactElement) {
  const user = userEvent.setup({ delay: null });
  render(<App>{panel}</App>);
  return user;
}

const figures = { received: 6, mediated: 5, settled: 4, failed: 1, success_rate: 0.8, amount_received: 1200000, amount_settled: 800000 };
const STATS = {
  month: "2026-11",
  disputes: figures,
  by_kind: [{ name: "邻里纠纷", figures }],
  by_village: [{ name: "青山村", figures }],
  failed_to: [],
  agreements: { people: 3, security: 1, oral: 0 },
  follow_ups: { due: 4, done: 3, overdue: 1, held: 3 },
  errands: { accepted: 9, done: 7, overdue: 1 },
  incidents: [{ name: "治安", count: 2 }],
  incidents_total: 2,
  visits: 31,
  service_stations: [{ id: "s1", name: "青山村红警驿站", village_name: "青山村", assistants: 2, requests: 8, done: 5, no_trip: 4 }],
  awards: {
    valor: { nominated: 2, approved: 1, paid: 1, paid_fen: 200000 },
    good_person: { nominated: 1, approved: 1, paid: 0, paid_fen: 0 },
    total: { nominated: 3, approved: 2, paid: 1, paid_fen: 200000 },
    grid_rewards_fen: 4500,
    all_paid_fen: 204500,
  },
};

const REPORT = {
  sheet: "花名册",
  header_row: 2,
  columns: [{ column: "A", header: "姓名", field: "name" }],
  ignored_headers: ["备用"],
  rows: 3,
  blank_rows: 0,
  errors: [{ row: 5, column: "C", header: "公民身份号码", message: "公民身份号码校验位错误：末位应为“X”，输入的是“1”，请核对号码" }],
  villages_created: ["新村"],
  groups_created: [],
  households_created: 1,
  persons_created: 2,
  persons_updated: 0,
  persons_unchanged: 0,
  actions: [],
  applied: false,
};

describe("报表", () => {
  it("shows the month's figures and exports the PDF to the path the dialog gave", async () => {
    const core = fakeCore({ "stats.month": STATS, "stats.export": (p: Record<string, unknown>) => ({ path: p.path, bytes: 30000, count: 1 }) });
    vi.mocked(dialogs.saveFile).mockResolvedValueOnce("/home/u/月报.pdf");
    const user = show(<StatsPanel />);
    const figs = await screen.findByTestId("stats-figures");
    expect(figs).toHaveTextContent("80.0%");
    expect(within(figs).getByText("31")).toBeInTheDocument();
    expect(screen.getByTestId("chart")).toHaveTextContent("受理:6 调解:5 调解成功:4");
    // Each 驿站's month: requests collected, errands done, 一次不用跑.
    const row = within(screen.getByTestId("station-figures")).getByText("青山村红警驿站").closest("tr")!;
    expect(row).toHaveTextContent(/青山村红警驿站青山村2854/);
    // 表彰奖励 beside the 网格红包, and what both paid.
    const awards = screen.getByTestId("award-month");
    expect(awards).toHaveTextContent("见义勇为提名 2 人，批准 1 人，发放 1 人 2,000.00 元");
    expect(awards).toHaveTextContent("隐患奖励（网格红包）45.00 元");
    expect(awards).toHaveTextContent("合计发放2,045.00 元");
    await user.click(screen.getByTestId("stats-export-pdf"));
    await waitFor(() => expect(core.of("stats.export")).toHaveLength(1));
    expect(core.of("stats.export")[0]).toEqual({ month: core.of("stats.month")[0].month, path: "/home/u/月报.pdf", overwrite: true });
    expect(vi.mocked(dialogs.saveFile).mock.calls[0][0]).toBe("pdf");
  });

  it("previews a roster with its per-row errors, then imports the same file", async () => {
    const core = fakeCore({ "import.preview": REPORT, "import.apply": { ...REPORT, applied: true } });
    vi.mocked(dialogs.openFile).mockResolvedValueOnce("/home/u/花名册.xlsx");
    const user = show(<ImportPanel />);
    await user.click(screen.getByTestId("import-pick"));
    const errors = await screen.findByTestId("import-errors");
    expect(errors).toHaveTextContent("公民身份号码校验位错误");
    expect(errors).toHaveTextContent("5");
    expect(core.of("import.apply")).toHaveLength(0);
    await user.click(screen.getByTestId("import-apply"));
    expect(await screen.findByTestId("import-done")).toHaveTextContent("新增 2 人");
    expect(core.of("import.preview")).toEqual([{ path: "/home/u/花名册.xlsx" }]);
    expect(core.of("import.apply")).toEqual([{ path: "/home/u/花名册.xlsx" }]);
  });

  it("a cancelled open dialog sends nothing", async () => {
    const core = fakeCore({});
    vi.mocked(dialogs.openFile).mockResolvedValueOnce(null);
    const user = show(<ImportPanel />);
    await user.click(screen.getByTestId("import-pick"));
    await waitFor(() => expect(dialogs.openFile).toHaveBeenCalledTimes(1));
    expect(core.sent).toHaveLength(0);
  });
});
