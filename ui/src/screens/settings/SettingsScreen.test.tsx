import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { transport } from "../../backend/transport";
import { PostContext } from "../../components/PostContext";
import { SettingsScreen } from "./SettingsScreen";

afterEach(() => vi.restoreAllMocks());

describe("SettingsScreen", () => {
  it("shows the post and, under 数据位置与关于, the database file", async () => {
    vi.spyOn(transport, "invoke").mockImplementation(async (cmd, args) => {
      if (cmd === "db_info") return { path: "/home/u/.local/share/fengqiao/fengqiao.db", schema_version: 3, node_id: "n1", version: "0.1.0" } as never;
      const { method } = args as { method: string };
      if (method === "village.list" || method === "officer.list") return [] as never;
      throw new Error(method);
    });
    const user = userEvent.setup({ delay: null });
    render(
      <PostContext.Provider value={{ post: { id: "p", name: "青山中心警务室", code: null, doc_prefix: null, station_name: null, committee_name: null, township: null, address: null, phone: null }, reload: () => {} }}>
        <SettingsScreen />
      </PostContext.Provider>,
    );
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
    const user = userEvent.setup({ delay: null });
    render(
      <PostContext.Provider value={{ post: { id: "p", name: "青山中心警务室", code: null, doc_prefix: null, station_name: null, committee_name: null, township: null, address: null, phone: null }, reload: () => {} }}>
        <SettingsScreen />
      </PostContext.Provider>,
    );
    await user.click(screen.getByText("民警辅警"));
    await user.click(await screen.findByRole("button", { name: "修改 陈百川" }));
    const dialog = within(await screen.findByTestId("officer-edit"));
    await user.type(dialog.getByLabelText("电话"), "123");
    await user.click(dialog.getByLabelText("离岗"));
    await user.click(dialog.getByTestId("officer-edit-save"));
    expect(await dialog.findByText("手机号码“123”应为11位数字")).toBeInTheDocument();
    expect(dialog.getByLabelText("电话")).toHaveValue("123");

    await user.clear(dialog.getByLabelText("电话"));
    await user.type(dialog.getByLabelText("电话"), "13900001111");
    await user.click(dialog.getByTestId("officer-edit-save"));
    await waitFor(() => expect(screen.queryByTestId("officer-edit")).not.toBeInTheDocument());
    expect(sent[1]).toMatchObject({ id: "o1", name: "陈百川", role: "officer", badge_no: "123456", phone: "13900001111", active: false });
    expect(await screen.findByText("离岗")).toBeInTheDocument();
    expect(screen.getByText("13900001111")).toBeInTheDocument();
  });
});
