import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { transport } from "../../backend/transport";
import { ErrandForm } from "./ErrandForm";

afterEach(() => vi.restoreAllMocks());

describe("ErrandForm", () => {
  it("shows the core's refusal under the applicant's name and keeps what was typed", async () => {
    vi.spyOn(transport, "invoke").mockImplementation(async (_cmd, args) => {
      const { method } = args as { method: string };
      if (method === "service_item.list")
        return {
          total: 1,
          categories: [{ category: "居民身份证", items: [{ id: "s1", category: "居民身份证", name: "居民身份证到期换领", description: null, materials: null, time_limit_days: 20, sort: 1, active: true }] }],
        } as never;
      if (method === "officer.list") return [] as never;
      if (method === "service_station.list") return [] as never;
      if (method === "errand.create") throw { code: "validation", message: "未选择登记人员时，申请人姓名不能为空", field: "applicant_name" };
      throw new Error(method);
    });
    const user = userEvent.setup({ delay: null });
    render(<ErrandForm onSaved={() => {}} />);
    await user.click(screen.getByLabelText("申请人联系电话"));
    await user.paste("13800138000");
    await user.click(screen.getByTestId("errand-save"));
    expect(await screen.findByText("未选择登记人员时，申请人姓名不能为空", {}, { timeout: 10000 })).toBeInTheDocument();
    // The message sits in the applicant's form item, not in an alert.
    expect(screen.getByText("未选择登记人员时，申请人姓名不能为空").closest(".ant-form-item")).toHaveTextContent("申请人姓名");
    await waitFor(() => expect(screen.getByLabelText("申请人联系电话")).toHaveValue("13800138000"));
  });
});
