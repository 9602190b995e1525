import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { transport } from "../../backend/transport";
import { PostContext } from "../../components/PostContext";
import { SettingsScreen } from "./SettingsScreen";

afterEach(() => vi.restoreAllMocks());

const POST = { id: "p", name: "青山中心警务室", code: null, doc_prefix: null, station_name: null, committee_name: null, township: null, address: null, phone: null };

/** 设置 for the post 青山中心警务室, and a user to work it. */
function showSettings() {
  const user = userEvent.setup({ delay: null });
  render(
    <PostContext.Provider value={{ post: POST, reload: () => {} }}>
      <SettingsScreen />
    </PostContext.Provider>,
  );
  return user;
}

/** Replaces what a field holds with `text`. */
async function retype(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
  await user.clear(field);
  await user.click(field);
  await user.paste(text);
}

describe("SettingsScreen", () => {
  it("shows the post and, under 数据位置与关于, the database file", async () => {
    vi.spyOn(transport, "invoke").mockImplementation(async (cmd, args) => {
      if (cmd === "db_info") return { path: "/home/u/.local/share/fengqiao/fengqiao.db", schema_version: 3, node_id: "n1", version: "0.1.0" } as never;
      const { method } = args as { method: string };
      if (method === "village.list" || method === "officer.list") return [] as never;
      throw new Error(method);
    });
    const user = showSettings();
    expect(screen.getByLabelText("警务室名称")).toHaveValue("青山中心警务室");
    await user.click(screen.getByText("数据位置与关于"));
    expect(await screen.findByText("/home/u/.local/share/fengqiao/fengqiao.db")).toBeInTheDocument();
  });

  it("修改 an officer: the core's refusal under the field with the typed text kept, then 离岗 saved", async () => {
    const chen = { id: "o1", name: "陈百川", role: "officer", badge_no: "123456", phone: null, active: true };
    let officers = [chen];
    const sent: unknown[] = [];
    vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
      const { method, params } = args as { method: string; params: Record<string, unknown> };
      if (method === "village.list") return [] as never;
      if (method === "officer.list") return officers as never;
      if (method === "officer.update") {
        sent.push(params);
        if (params.phone === "123") throw { code: "validation", message: "手机号码“123”应为11位数字", field: "phone" };
        officers = [{ ...chen, ...params } as typeof chen];
        return officers[0] as never;
      }
      throw new Error(method);
    });
    const user = showSettings();
    await user.click(screen.getByText("民警辅警"));
    await user.click(await screen.findByLabelText("修改 陈百川"));
    const dialog = within(await screen.findByTestId("officer-edit"));
    await retype(user, dialog.getByLabelText("电话"), "123");
    await user.click(dialog.getByLabelText("离岗"));
    await user.click(dialog.getByTestId("officer-edit-save"));
    expect(await dialog.findByText("手机号码“123”应为11位数字")).toBeInTheDocument();
    expect(dialog.getByLabelText("电话")).toHaveValue("123");

    await retype(user, dialog.getByLabelText("电话"), "13900001111");
    await user.click(dialog.getByTestId("officer-edit-save"));
    await waitFor(() => expect(screen.queryByTestId("officer-edit")).not.toBeInTheDocument());
    expect(sent[1]).toMatchObject({ id: "o1", name: "陈百川", role: "officer", badge_no: "123456", phone: "13900001111", active: false });
    expect(await screen.findByText("离岗")).toBeInTheDocument();
    expect(screen.getByText("13900001111")).toBeInTheDocument();
  });

  /** 设置 over a mocked core whose one village 青山村 (code set) has the group 3组. */
  function villageSetup() {
    const state = { villages: [{ id: "v1", name: "青山村", code: "330326101201", township: null, groups: [{ id: "g1", name: "3组" }] }], deletes: 0 };
    const sent: { method: string; params: Record<string, unknown> }[] = [];
    vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
      const { method, params } = args as { method: string; params: Record<string, unknown> };
      const [v] = state.villages;
      if (method === "village.list") return state.villages as never;
      if (method === "officer.list") return [] as never;
      sent.push({ method, params });
      if (method === "village.update") {
        state.villages = [{ ...v, name: params.name as string }];
        return state.villages[0] as never;
      }
      if (method === "group.rename") {
        if (params.name === "1组") throw { code: "duplicate", message: "该村已有“1组”", field: "name" };
        state.villages = [{ ...v, groups: [{ id: "g1", name: params.name as string }] }];
        return state.villages[0].groups[0] as never;
      }
      if (method === "group.delete") {
        if (state.deletes++ === 0) throw { code: "rule", message: "“3组”还有 1 户，不能删除；请先把这些户改到其他小组" };
        state.villages = [{ ...v, groups: [] }];
        return { id: params.id } as never;
      }
      throw new Error(method);
    });
    const user = showSettings();
    /** 村（社区）, then the dialog (`testId`) that the control labelled `label` opens. */
    const open = async (label: string, testId: string) => {
      await user.click(screen.getByText("村（社区）"));
      await user.click(await screen.findByLabelText(label));
      return within(await screen.findByTestId(testId));
    };
    return { user, sent, open };
  }

  it("修改 a village: its set code locked and no 删除, the new name saved and listed", async () => {
    const { user, sent, open } = villageSetup();
    const dialog = await open("修改 青山村", "village-edit");
    expect(dialog.getByLabelText("区划代码")).toBeDisabled();
    expect(dialog.queryByText(/删除/)).toBeNull();
    await retype(user, dialog.getByLabelText("名称"), "青山社区");
    await user.click(dialog.getByTestId("village-edit-save"));
    await waitFor(() => expect(screen.queryByTestId("village-edit")).not.toBeInTheDocument());
    expect(sent[0]).toMatchObject({ method: "village.update", params: { id: "v1", name: "青山社区", code: "330326101201" } });
    expect(await screen.findByText("青山社区")).toBeInTheDocument();
  });

  it("renames a group from its tag, with the core's refusal under the field and the typed text kept", async () => {
    const { user, sent, open } = villageSetup();
    const dialog = await open("青山村3组 改名", "group-edit");
    const field = () => dialog.getByLabelText("青山村的小组名称");
    await retype(user, field(), "1组");
    await user.click(dialog.getByTestId("group-edit-save"));
    expect(await dialog.findByText("该村已有“1组”")).toBeInTheDocument();
    expect(field()).toHaveValue("1组");
    await retype(user, field(), "三组");
    await user.click(dialog.getByTestId("group-edit-save"));
    await waitFor(() => expect(screen.queryByTestId("group-edit")).not.toBeInTheDocument());
    expect(sent.at(-1)).toEqual({ method: "group.rename", params: { id: "g1", name: "三组" } });
    expect(await screen.findByText("三组")).toBeInTheDocument();
  });

  it("删除 a group set up by mistake: refused while households are in it, then done", async () => {
    const { user, sent, open } = villageSetup();
    const dialog = await open("青山村3组 改名", "group-edit");
    await user.click(dialog.getByText("删除“青山村3组”"));
    await user.click(await screen.findByText("删 除"));
    expect(await dialog.findByTestId("delete-error")).toHaveTextContent("“3组”还有 1 户，不能删除");
    expect(screen.getByTestId("group-edit")).toBeInTheDocument();
    await user.click(dialog.getByText("删除“青山村3组”"));
    await user.click(await screen.findByText("删 除"));
    await waitFor(() => expect(screen.queryByTestId("group-edit")).not.toBeInTheDocument());
    expect(sent.at(-1)).toEqual({ method: "group.delete", params: { id: "g1" } });
    await waitFor(() => expect(screen.queryByLabelText("青山村3组 改名")).not.toBeInTheDocument());
  });
});
