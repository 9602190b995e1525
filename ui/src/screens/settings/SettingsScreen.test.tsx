import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
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
});
