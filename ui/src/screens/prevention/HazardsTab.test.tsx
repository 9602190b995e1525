import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { EMPTY_REFS, fakeCore } from "../../test/fakeCore";
import { HazardsTab } from "./HazardsTab";

vi.mock("../../backend/dialogs", () => ({
  dialogs: { saveFile: vi.fn(), openFile: vi.fn(), openFolder: vi.fn() },
  openInViewer: vi.fn(),
}));
import { dialogs } from "../../backend/dialogs";

afterEach(() => {
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

const hazard = (over: Record<string, unknown>) => ({
  id: "h1",
  found_on: "2026-11-01",
  found_by_volunteer_id: null,
  found_by_name: "张三",
  place: "青山村文化礼堂",
  village_id: "v1",
  kind: "illegal_charging",
  grade: "general",
  description: "电动车楼道充电",
  owner: null,
  owner_phone: null,
  deadline: null,
  status: "reported",
  overdue: false,
  verified_on: null,
  fixed_on: null,
  fix_note: null,
  recheck_on: null,
  recheck_note: null,
  rejected_reason: null,
  reward_fen: 0,
  reward_paid_on: null,
  ...over,
});

const renderTab = () =>
  render(
    <App>
      <HazardsTab />
    </App>,
  );

describe("HazardsTab", () => {
  it("核实 sends hazard.verify with the hazard, the owner and the deadline picked", async () => {
    const core = fakeCore({
      ...EMPTY_REFS,
      "hazard.list": [hazard({})],
      "hazard.verify": (p: Record<string, unknown>) => hazard({ status: "verified", owner: p.owner }),
    });
    const user = userEvent.setup({ delay: null });
    renderTab();
    await user.click(await screen.findByTestId("hazard-verify-h1"));
    const dialog = await screen.findByTestId("hazard-step-form");
    await user.click(within(dialog).getByTestId("hazard-step-owner"));
    await user.paste("王五");
    await user.click(within(dialog).getByTestId("hazard-step-save"));
    await waitFor(() => expect(core.of("hazard.verify")).toHaveLength(1));
    expect(core.of("hazard.verify")[0]).toMatchObject({ id: "h1", owner: "王五", note: null, on: null });
    // Only the steps the lifecycle allows from 已上报 are offered; a reward is not.
    expect(screen.queryByTestId("hazard-recheck-h1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("hazard-reward-h1")).not.toBeInTheDocument();
  });

  it("shows the reward in yuan, the core's refusal under 奖励金额, and keeps what was typed", async () => {
    const core = fakeCore({
      ...EMPTY_REFS,
      "hazard.list": [hazard({ id: "h2", status: "fixed" }), hazard({ id: "h3", status: "closed", reward_fen: 2000 })],
      "hazard.reward": () => {
        throw { code: "validation", message: "金额“20.005”最多两位小数", field: "reward_yuan" };
      },
    });
    const user = userEvent.setup({ delay: null });
    renderTab();
    expect(await screen.findByText("20.00 元")).toBeInTheDocument();
    expect(screen.queryByTestId("hazard-reward-h3")).not.toBeInTheDocument();
    // A reload in flight blurs the table (and takes its clicks) for a moment; on a loaded
    // machine the first click can land in it.
    await waitFor(() => expect(document.querySelector(".ant-spin-blur")).toBeNull());
    await user.click(screen.getByTestId("hazard-reward-h2"));
    await user.click(await screen.findByTestId("reward-yuan"));
    await user.paste("20.005");
    await user.click(screen.getByTestId("reward-save"));
    const msg = await screen.findByText("金额“20.005”最多两位小数");
    expect(msg.closest(".ant-form-item")).toHaveTextContent("奖励金额");
    expect(screen.getByTestId("reward-yuan")).toHaveValue("20.005");
    expect(core.of("hazard.reward")[0]).toMatchObject({ id: "h2", reward_yuan: "20.005" });
  });

  it("highlights overdue hazards and asks the core for only those when told", async () => {
    const core = fakeCore({
      ...EMPTY_REFS,
      "hazard.list": (p: Record<string, unknown>) =>
        p.overdue_only ? [hazard({ id: "h4", overdue: true, deadline: "2026-11-10" })] : [hazard({ id: "h4", overdue: true, deadline: "2026-11-10" }), hazard({ id: "h5" })],
    });
    const user = userEvent.setup({ delay: null });
    renderTab();
    const row = (await screen.findAllByText("已上报·逾期"))[0].closest("tr")!;
    expect(row).toHaveClass("fq-overdue");
    expect(screen.getByText("逾期未整改 1 处")).toBeInTheDocument();
    await user.click(screen.getByTestId("hazard-overdue-only"));
    await waitFor(() => expect(core.of("hazard.list").at(-1)).toMatchObject({ overdue_only: true }));
  });

  it("导出台账 asks the save dialog and passes its path; a cancelled dialog sends nothing", async () => {
    const core = fakeCore({
      ...EMPTY_REFS,
      "hazard.list": [],
      "ledger.export": (p: Record<string, unknown>) => ({ path: p.path, bytes: 5120, count: 12 }),
    });
    const save = vi.mocked(dialogs.saveFile);
    save.mockResolvedValueOnce(null);
    const user = userEvent.setup({ delay: null });
    renderTab();
    await user.click(await screen.findByTestId("export-hazards"));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(core.of("ledger.export")).toHaveLength(0);

    save.mockResolvedValueOnce("/home/u/隐患排查整改台账.xlsx");
    await user.click(screen.getByTestId("export-hazards"));
    await waitFor(() => expect(core.of("ledger.export")).toHaveLength(1));
    expect(core.of("ledger.export")[0]).toEqual({ kind: "hazards", month: null, path: "/home/u/隐患排查整改台账.xlsx", overwrite: true });
    // The file name offered and the message use the core's name of the ledger.
    expect(save.mock.calls[1]).toEqual(["xlsx", "隐患排查整改台账.xlsx", "保存隐患排查整改台账"]);
    expect(await screen.findByText(/隐患排查整改台账已保存/)).toBeInTheDocument();
  });
});
