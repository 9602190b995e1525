import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { DisputeIntake } from "./DisputeIntake";

afterEach(() => vi.restoreAllMocks());

describe("受理矛盾纠纷", () => {
  it("shows the core's words under the field left empty, until that field is filled", async () => {
    const core = fakeCore({
      "village.list": [],
      "officer.list": [],
      "dispute.create": (p: Record<string, unknown>) => {
        if (p.title === null) throw { code: "validation", message: "请填写纠纷名称", field: "title" };
        throw { code: "validation", message: "涉及金额不能为负数", field: "amount_involved" };
      },
    });
    const user = userEvent.setup({ delay: null });
    render(<DisputeIntake onSaved={() => {}} />);
    await user.click(await screen.findByTestId("dispute-save"));
    const msg = await screen.findByText("请填写纠纷名称");
    expect(msg.closest(".ant-form-item")).toHaveTextContent("纠纷名称");
    expect(core.of("dispute.create")[0]).toMatchObject({ title: null });
    await user.type(screen.getByTestId("dispute-title"), "邻里排水沟纠纷");
    await waitFor(() => expect(screen.queryByText("请填写纠纷名称")).not.toBeInTheDocument());
    // A field the core names by its own name, typed here in 元 under another.
    await user.click(screen.getByTestId("dispute-save"));
    expect((await screen.findByText("涉及金额不能为负数")).closest(".ant-form-item")).toHaveTextContent("涉及金额（元）");
  });

  it("shows a refusal about the parties as a whole above them", async () => {
    fakeCore({
      "village.list": [],
      "officer.list": [],
      "dispute.create": () => {
        throw { code: "validation", message: "至少要有两方当事人", field: "parties" };
      },
    });
    const user = userEvent.setup({ delay: null });
    render(<DisputeIntake onSaved={() => {}} />);
    await user.type(await screen.findByTestId("dispute-title"), "邻里排水沟纠纷");
    await user.click(screen.getByTestId("dispute-save"));
    expect(await screen.findByText("至少要有两方当事人")).toBeVisible();
  });
});
