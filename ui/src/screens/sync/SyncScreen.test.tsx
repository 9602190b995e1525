import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { transport } from "../../backend/transport";
import { dialogs } from "../../backend/dialogs";
import { SyncScreen } from "./SyncScreen";

const STATUS = {
  node_id: "n-post",
  name: "青山中心警务室",
  role: "post",
  local_changes: 120,
  open_conflicts: 1,
  peers: [{ node_id: "n-hq", name: "平安县公安局", role: "hq", villages: [], enrolled_at: "2026-11-01T08:00:00Z", last_sync_at: "2026-11-22T09:30:00Z", pending: 7 }],
  audit_alarms: [],
  refusals: [],
};
const CONFLICT = {
  id: 3,
  tbl: "person",
  row_id: "p1",
  col: "phone",
  loser_value: "13800000001",
  loser_hlc: "h1",
  loser_origin: "n-post",
  winner_value: "13900000002",
  winner_hlc: "h2",
  winner_origin: "n-hq",
  detected_at: "2026-11-22T09:30:01Z",
  resolved_at: null,
};

const ASSIGNMENT = {
  id: "as1",
  tbl: "dispute",
  kind: "矛盾纠纷",
  row_id: "d9",
  subject: "宅基地边界纠纷",
  note: "当事人已迁居溪口村，请联调",
  assigned_at: "2026-11-23T02:00:00Z",
};

function fakeCore(onTransfer: (method: string, params: Record<string, unknown>) => Promise<unknown>) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
    const { method, params } = args as { method: string; params: Record<string, unknown> };
    calls.push({ method, params });
    if (method === "sync.status") return STATUS as never;
    if (method === "conflict.list") return [CONFLICT] as never;
    if (method === "assignment.list") return [ASSIGNMENT] as never;
    if (method === "conflict.restore") return { ...CONFLICT, resolved_at: "2026-11-23T10:00:00Z" } as never;
    return (await onTransfer(method, params)) as never;
  });
  return calls;
}

const renderScreen = (isAdmin = true) =>
  render(
    <MemoryRouter>
      <AntApp>
        <SyncScreen isAdmin={isAdmin} />
      </AntApp>
    </MemoryRouter>,
  );

afterEach(() => vi.restoreAllMocks());

describe("SyncScreen", () => {
  it("lists what HQ assigned to the post, linked to the record, in Beijing time", async () => {
    fakeCore(async () => ({}));
    renderScreen(false);
    const card = await screen.findByTestId("assignments");
    expect(card).toHaveTextContent("县局指派（1）");
    expect(card).toHaveTextContent("2026-11-23 10:00");
    expect(card).toHaveTextContent("当事人已迁居溪口村，请联调");
    expect(within(card).getByRole("link", { name: "宅基地边界纠纷" })).toHaveAttribute("href", "/disputes/d9");
  });

  it("shows the last sync, pending changes and peers", async () => {
    fakeCore(async () => ({}));
    renderScreen();
    const status = await screen.findByTestId("sync-status");
    // Stored in UTC, shown in Beijing time.
    expect(status).toHaveTextContent("2026-11-22 17:30");
    expect(status).toHaveTextContent("7 条");
    expect(status).toHaveTextContent("平安县公安局");
  });

  it("exports to a file picked in the save dialog, with progress while it runs", async () => {
    let finish: (v: unknown) => void = () => {};
    const calls = fakeCore((method) => (method === "sync.export" ? new Promise((r) => (finish = r)) : Promise.reject(new Error(method))));
    const save = vi.spyOn(dialogs, "saveFile").mockResolvedValue("/media/usb/同步包.fqsync");
    const user = userEvent.setup({ delay: null });
    renderScreen();
    await user.click(await screen.findByTestId("sync-export"));
    expect(save.mock.calls[0][0]).toBe("fqsync");
    expect(await screen.findByTestId("sync-progress")).toHaveTextContent("正在导出到U盘");
    expect(screen.getByTestId("sync-import")).toBeDisabled();
    finish({ path: "/media/usb/同步包.fqsync", counter: 2, changes: 42, bytes: 2048 });
    expect(await screen.findByTestId("sync-result")).toHaveTextContent(
      "导出到U盘完成：第 2 号同步包，变更 42 条，2 KB，已写入 /media/usb/同步包.fqsync",
    );
    expect(screen.queryByTestId("sync-progress")).toBeNull();
    expect(calls.find((c) => c.method === "sync.export")?.params).toEqual({ path: "/media/usb/同步包.fqsync", overwrite: true });
  });

  it("does nothing when the dialog is cancelled, and shows the core's refusal of an import", async () => {
    const calls = fakeCore(async (method) => {
      if (method === "sync.import") throw { code: "bundle_foreign", message: "同步包不是发给本机的" };
      throw new Error(method);
    });
    const open = vi.spyOn(dialogs, "openFile").mockResolvedValueOnce(null).mockResolvedValueOnce("/media/usb/县局.fqsync");
    const user = userEvent.setup({ delay: null });
    renderScreen();
    await user.click(await screen.findByTestId("sync-import"));
    expect(calls.some((c) => c.method === "sync.import")).toBe(false);
    await user.click(screen.getByTestId("sync-import"));
    expect(open.mock.calls[1][0]).toEqual(["fqsync"]);
    expect(await screen.findByTestId("sync-result")).toHaveTextContent("从U盘导入未完成：同步包不是发给本机的");
  });

  it("syncs over the network, and writes and reads the enrollment files", async () => {
    const calls = fakeCore(async (method) => {
      if (method === "sync.network")
        return {
          sent: { path: "", counter: 3, changes: 3, bytes: 900 },
          received_bytes: 1200,
          received: { from: "hq", counter: 4, changes: 5, applied: 4, ignored: 0, duplicates: 1, conflicts: 1, refused: 0, refusals: [] },
        };
      if (method === "enroll.request") return { path: "/media/usb/登记申请.fqreq", node_id: "n1", name: "青山警务室" };
      return { hq_node_id: "hq", hq_name: "平安县公安局", villages: ["330326101201"], tls_pinned: false };
    });
    vi.spyOn(dialogs, "saveFile").mockResolvedValue("/media/usb/登记申请.fqreq");
    vi.spyOn(dialogs, "openFile").mockResolvedValue("/media/usb/登记回执.fqreply");
    const user = userEvent.setup({ delay: null });
    renderScreen();
    await user.click(await screen.findByTestId("sync-url"));
    await user.paste("https://10.0.0.5:8443");
    await user.click(screen.getByTestId("sync-network"));
    expect(await screen.findByTestId("sync-result")).toHaveTextContent(
      "网络同步完成：发出第 3 号同步包，变更 3 条，1 KB；收到第 4 号同步包，变更 5 条，应用 4 条，已有 1 条，冲突 1 条",
    );
    await user.click(screen.getByTestId("enroll-request"));
    await waitFor(() => expect(calls.some((c) => c.method === "enroll.request")).toBe(true));
    await user.click(screen.getByTestId("enroll-accept"));
    await waitFor(() => expect(calls.some((c) => c.method === "enroll.accept")).toBe(true));
    expect(await screen.findByTestId("sync-result")).toHaveTextContent("导入登记回执完成：已登记到平安县公安局，辖区 1 个村（社区）");
    await user.click(screen.getByTestId("enroll-url"));
    await user.paste("https://10.0.0.5:8443");
    await user.click(screen.getByTestId("enroll-network"));
    expect(await screen.findByText("请填写县局给的登记码")).toBeInTheDocument();
    expect(calls.some((c) => c.method === "enroll.network")).toBe(false);
    await user.click(screen.getByTestId("enroll-code"));
    await user.paste(" ABCD-EFGH-JKLM-NPQR-STUV ");
    await user.click(screen.getByTestId("enroll-network"));
    await waitFor(() => expect(calls.some((c) => c.method === "enroll.network")).toBe(true));
    expect(calls.filter((c) => /^(sync\.network|enroll\.)/.test(c.method)).map((c) => [c.method, c.params])).toEqual([
      ["sync.network", { url: "https://10.0.0.5:8443" }],
      ["enroll.request", { path: "/media/usb/登记申请.fqreq", overwrite: true }],
      ["enroll.accept", { path: "/media/usb/登记回执.fqreply" }],
      ["enroll.network", { url: "https://10.0.0.5:8443", code: "ABCD-EFGH-JKLM-NPQR-STUV" }],
    ]);
  });

  it("says which of the post's rows HQ did not take, and why", async () => {
    const REFUSED = {
      id: 7,
      post: "n-post",
      post_name: "",
      counter: 12,
      tbl: "village",
      kind: "村（社区）",
      row_id: "v9",
      subject: "东山村（330326101201）",
      changes: 2,
      reason: "该村（社区）的区划代码 330326101201 不在县局登记给本警务室的辖区（330326101202）内",
      refused_at: "2026-11-23T01:00:00Z",
    };
    vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
      const { method } = args as { method: string };
      if (method === "sync.status") return { ...STATUS, refusals: [REFUSED] } as never;
      if (method === "sync.network")
        return {
          sent: { path: "", counter: 12, changes: 2, bytes: 900 },
          received_bytes: 600,
          received: { from: "hq", counter: 9, changes: 0, applied: 0, ignored: 0, duplicates: 0, conflicts: 0, refused: 0, refusals: [REFUSED] },
        } as never;
      return [] as never;
    });
    const user = userEvent.setup({ delay: null });
    renderScreen();
    const card = await screen.findByTestId("refusals");
    expect(within(card).getByText("东山村（330326101201）")).toBeInTheDocument();
    expect(within(card).getByText(REFUSED.reason)).toBeInTheDocument();
    expect(within(card).getByText("2026-11-23 09:00")).toBeInTheDocument();
    await user.click(screen.getByTestId("sync-url"));
    await user.paste("https://10.0.0.5:8443");
    await user.click(screen.getByTestId("sync-network"));
    expect(await screen.findByTestId("sync-result")).toHaveTextContent("县局未采用本机的 1 条记录（见下方）");
  });

  it("hides enrollment from non-admins and restores a conflict's overwritten value", async () => {
    const calls = fakeCore(async () => ({}));
    // The confirmation pops up with an animation jsdom never finishes.
    const user = userEvent.setup({ delay: null, pointerEventsCheck: 0 });
    renderScreen(false);
    const table = await screen.findByTestId("conflict-table");
    expect(screen.queryByTestId("enroll-request")).toBeNull();
    expect(screen.queryByTestId("enroll-network")).toBeNull();
    expect(within(table).getByText("13800000001")).toBeInTheDocument();
    await user.click(within(table).getByText("恢复此值"));
    await user.click(await screen.findByRole("button", { name: /^恢\s*复$/ }));
    await waitFor(() => expect(calls.find((c) => c.method === "conflict.restore")?.params).toEqual({ id: 3 }));
  });
});
