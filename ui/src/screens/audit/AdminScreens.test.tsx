import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App as AntApp } from "antd";
import { transport } from "../../backend/transport";
import { dialogs } from "../../backend/dialogs";
import { AuditScreen, describeDetail, describeObject } from "./AuditScreen";
import { BackupScreen } from "../backup/BackupScreen";
import { UsersScreen } from "../users/UsersScreen";
import { RestoreCard } from "../backup/RestoreCard";

const ENTRY = { seq: 12, at: "2026-11-23T08:00:00Z", login: "zhou", action: "view_person", tbl: "person", row_id: "p1", detail: "person.get", prev: "0", hash: "1" };

function fakeCore(handler: (method: string, params: Record<string, unknown>) => unknown) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
    const { method, params } = args as { method: string; params: Record<string, unknown> };
    calls.push({ method, params });
    return handler(method, params) as never;
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

describe("AuditScreen", () => {
  it("lists entries in Chinese, filters by login, and shows the chain check", async () => {
    let broken = false;
    const calls = fakeCore((method) => {
      if (method === "audit.list") return { entries: [ENTRY], total: 1, page: 1 };
      if (method === "audit.verify") {
        if (broken) throw { code: "audit_broken", message: "审计日志第 7 条被改动或删除" };
        return { entries: 12, intact: true };
      }
      throw new Error(method);
    });
    const user = userEvent.setup({ delay: null });
    render(<AuditScreen />);
    // 操作 and 说明 both read 查看人员: the method is named by the core's Chinese summary.
    expect(await screen.findAllByText("查看人员")).toHaveLength(2);
    expect(screen.queryByText("person.get")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("audit-login"));
    await user.paste("zhou");
    await user.click(screen.getByTestId("audit-filter"));
    await waitFor(() => expect(calls.filter((c) => c.method === "audit.list").pop()?.params).toMatchObject({ login: "zhou", page: 1 }));

    await user.click(screen.getByTestId("audit-verify"));
    expect(await screen.findByTestId("audit-check")).toHaveTextContent("共 12 条");
    broken = true;
    await user.click(screen.getByTestId("audit-verify"));
    await waitFor(() => expect(screen.getByTestId("audit-check")).toHaveTextContent("审计日志第 7 条被改动或删除"));
  });
});

describe("describeDetail", () => {
  it("names a method by its Chinese summary and keeps any other text", () => {
    expect(describeDetail("errand.advance")).toBe("推进代办：开始办理、办结、送达");
    expect(describeDetail("dispute.update")).toBe("修改纠纷");
    expect(describeDetail("查找：汪明")).toBe("查找：汪明");
    expect(describeDetail("toString")).toBe("toString");
    expect(describeDetail(null)).toBe("");
  });

  it("names an entry's object by its kind and the end of its id", () => {
    expect(describeObject("errand", "01a20b5a-417c-745d-9b2c-5b5a5ff24338")).toEqual({
      text: "代办 …5ff24338",
      title: "01a20b5a-417c-745d-9b2c-5b5a5ff24338",
    });
    expect(describeObject("search", null)).toEqual({ text: "人员" });
    expect(describeObject("someday", null)).toEqual({ text: "someday" });
    expect(describeObject(null, null)).toEqual({ text: "—" });
  });
});

describe("BackupScreen", () => {
  it("backs up into the folder picked in the dialog and shows what was written", async () => {
    const calls = fakeCore((method, p) => {
      if (method === "backup.create")
        return { file: `${p.out}/fengqiao-backup-20261123-080000.db`, key_file: `${p.out}/fengqiao-backup-20261123-080000.db.keys`, schema_version: 5, audit_entries: 40 };
      throw new Error(method);
    });
    vi.spyOn(dialogs, "openFolder").mockResolvedValue("/media/usb");
    const user = userEvent.setup({ delay: null });
    render(
      <AntApp>
        <BackupScreen />
      </AntApp>,
    );
    await user.click(screen.getByTestId("backup-run"));
    expect(await screen.findByTestId("backup-report")).toHaveTextContent("/media/usb/fengqiao-backup-20261123-080000.db");
    expect(calls).toEqual([{ method: "backup.create", params: { out: "/media/usb" } }]);
  });
});

describe("UsersScreen", () => {
  it("shows a locked login with the time it unlocks, in Beijing time, and unlocks it", async () => {
    const base = { id: "u1", name: "周立新", officer_id: null, role: "officer", must_change_password: false, disabled_at: null,
      created_at: "2026-11-01T00:00:00Z", created_by: "admin", password_changed_at: null, last_login_at: "2026-11-22T23:10:00Z" };
    let locked: string | null = "2026-11-23T01:15:00Z";
    const calls = fakeCore((method) => {
      if (method === "user.list") return [{ ...base, login: "zhou", locked_until: locked }, { ...base, id: "u2", login: "lin", locked_until: null }];
      if (method === "officer.list") return [];
      if (method === "user.unlock") {
        locked = null;
        return { ...base, login: "zhou", locked_until: null };
      }
      throw new Error(method);
    });
    const user = userEvent.setup({ delay: null });
    render(
      <AntApp>
        <UsersScreen />
      </AntApp>,
    );
    expect(await screen.findByTestId("locked-zhou")).toHaveTextContent("锁定至 2026-11-23 09:15");
    expect(screen.getAllByText("2026-11-23 07:10")).toHaveLength(2);
    expect(screen.queryByTestId("unlock-lin")).toBeNull();
    // The table's loading blur takes clicks while it fades; on a loaded machine the click can land in it.
    await waitFor(() => expect(document.querySelector(".ant-spin-blur")).toBeNull());
    await user.click(screen.getByTestId("unlock-zhou"));
    await waitFor(() => expect(calls.some((c) => c.method === "user.unlock" && c.params.login === "zhou")).toBe(true));
    await waitFor(() => expect(screen.queryByTestId("locked-zhou")).toBeNull());
  });
});

describe("RestoreCard", () => {
  it("restores the backup picked in the dialog after a confirmation, and shows the core's refusal", async () => {
    const commands: { cmd: string; args: Record<string, unknown> }[] = [];
    vi.spyOn(transport, "invoke").mockImplementation(async (cmd, args) => {
      commands.push({ cmd, args: args as Record<string, unknown> });
      const a = args as { password: string };
      if (cmd !== "restore") throw new Error(cmd);
      if (a.password !== "Admin2026x") throw { code: "unauthenticated", message: "用户名或密码错误" };
      return { file: "/home/u/.local/share/fengqiao/fengqiao.db", key_file: "/home/u/.local/share/fengqiao/fengqiao.db.keys", schema_version: 9, audit_entries: 412, previous: "/home/u/.local/share/fengqiao/fengqiao.db.before-restore-20261124-100000", sync_note: "已恢复到备份时的数据，备份之后本机的改动不在其中：其中已同步到县局的，下次同步时会从县局取回" } as never;
    });
    vi.spyOn(dialogs, "openFile").mockResolvedValue("/media/usb/fengqiao-backup-20261120-080000.db");
    const onRestored = vi.fn();
    const user = userEvent.setup({ delay: null });
    render(
      <AntApp>
        <RestoreCard defaultLogin="admin" onRestored={onRestored} />
      </AntApp>,
    );
    expect(screen.getByTestId("restore-run")).toBeDisabled();
    await user.click(screen.getByTestId("restore-pick"));
    expect(await screen.findByTestId("restore-file")).toHaveTextContent("fengqiao-backup-20261120-080000.db");
    await user.click(screen.getByTestId("restore-password"));
    await user.paste("Wrong2026x");
    await user.click(screen.getByTestId("restore-run"));
    await user.click(await screen.findByTestId("restore-confirm"));
    expect(await screen.findByTestId("restore-error")).toHaveTextContent("用户名或密码错误");
    expect(onRestored).not.toHaveBeenCalled();

    await user.clear(screen.getByTestId("restore-password"));
    await user.paste("Admin2026x");
    await user.click(screen.getByTestId("restore-run"));
    const confirms = await screen.findAllByTestId("restore-confirm");
    await user.click(confirms[confirms.length - 1]);
    expect(await screen.findByTestId("restore-report")).toHaveTextContent("before-restore-20261124-100000");
    expect(screen.getByTestId("restore-report")).toHaveTextContent("下次同步时会从县局取回");
    expect(onRestored).toHaveBeenCalledTimes(1);
    expect(commands.map((c) => c.args)).toEqual([
      { file: "/media/usb/fengqiao-backup-20261120-080000.db", login: "admin", password: "Wrong2026x" },
      { file: "/media/usb/fengqiao-backup-20261120-080000.db", login: "admin", password: "Admin2026x" },
    ]);
  });
});
