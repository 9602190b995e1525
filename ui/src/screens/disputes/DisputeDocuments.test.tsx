import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { renderCase } from "../../test/renderCase";

vi.mock("../../backend/dialogs", () => ({
  dialogs: { saveFile: vi.fn(), openFile: vi.fn(), openFolder: vi.fn() },
  openInViewer: vi.fn(async () => {}),
}));
import { dialogs, openInViewer } from "../../backend/dialogs";

afterEach(() => {
  vi.restoreAllMocks();
  vi.clearAllMocks();
});

const dispute = (finalised: boolean) => ({
  id: "d1",
  title: "王某与李某宅基地纠纷",
  status: finalised ? "agreed" : "mediating",
  status_label: finalised ? "已达成协议" : "调解中",
  received_on: "2026-11-02",
  kind_label: "宅基地纠纷",
  village_name: "青山村",
  officer_name: "李警官",
  amount_involved: 0,
  matters: null,
  facts: null,
  parties: [],
  mediations: [],
  follow_ups: finalised
    ? [
        { id: "f1", dispute_id: "d1", agreement_id: "a1", agreement_number: "青调〔2026〕3号", due_on: "2026-11-20", done_on: "2026-11-21", officer_id: null, officer_name: null, held: true, satisfaction: null, new_risks: null, notes: null },
        { id: "f2", dispute_id: "d1", agreement_id: "a1", agreement_number: "青调〔2026〕3号", due_on: "2026-12-20", done_on: null, officer_id: null, officer_name: null, held: null, satisfaction: null, new_risks: null, notes: null },
      ]
    : [],
  missing: [],
  mediation_levels: ["initial", "review", "joint"],
  agreement_draft: finalised ? null : { kind: "people", mediators: [] },
  incidents: [],
  risk: { level: null, level_label: null, points: 0, reasons: [] },
  next_actions: finalised ? [] : [{ action: "update", label: "修改纠纷信息" }],
  agreement: finalised
    ? { number: "青调〔2026〕3号", finalised_at: "2026-11-05T02:00:00Z", kind_label: "人民调解协议书", terms: "李某于11月30日前拆除围墙", performance_method: "自行履行", performance_deadline: "2026-11-30", fulfilled_on: null, defaulted_on: null, fulfilment_note: null }
    : null,
});


describe("dispute documents", () => {
  it("打印协议书 asks where to save, writes agreement.pdf there and opens it in the viewer", async () => {
    const core = fakeCore({
      "dispute.get": dispute(true),
      "officer.list": [],
      "agreement.pdf": (p: Record<string, unknown>) => ({ path: p.path, bytes: 40000, count: 2 }),
    });
    vi.mocked(dialogs.saveFile).mockResolvedValueOnce("/home/u/协议书.pdf");
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("print-agreement"));
    await waitFor(() => expect(openInViewer).toHaveBeenCalledWith("/home/u/协议书.pdf"));
    expect(core.of("agreement.pdf")).toEqual([{ dispute_id: "d1", path: "/home/u/协议书.pdf", overwrite: true }]);
    expect(vi.mocked(dialogs.saveFile).mock.calls[0][0]).toBe("pdf");
    // 回访记录 only for a follow-up that was made.
    expect(screen.getByTestId("print-followup-f1")).toBeInTheDocument();
    expect(screen.queryByTestId("print-followup-f2")).not.toBeInTheDocument();
  });

  it("a cancelled dialog prints nothing; 打印协议书 is absent before the agreement takes effect", async () => {
    const core = fakeCore({ "dispute.get": dispute(false), "officer.list": [] });
    vi.mocked(dialogs.saveFile).mockResolvedValueOnce(null);
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("print-intake"));
    await waitFor(() => expect(dialogs.saveFile).toHaveBeenCalledTimes(1));
    expect(screen.queryByTestId("print-agreement")).not.toBeInTheDocument();
    expect(core.sent.map((s) => s.method)).not.toContain("intake.pdf");
    expect(openInViewer).not.toHaveBeenCalled();
  });

  it("追加当事人 sends party.add for the dispute and shows a refusal under the field", async () => {
    const core = fakeCore({
      "dispute.get": dispute(false),
      "officer.list": [],
      "party.add": () => {
        throw { code: "validation", message: "公民身份号码应为18位", field: "id_number" };
      },
    });
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("party-add"));
    const form = await screen.findByTestId("party-form");
    await user.click(within(form).getByTestId("party-edit-name"));
    await user.paste("赵七");
    await user.click(within(form).getByTestId("party-edit-id_number"));
    await user.paste("1101");
    await user.click(within(form).getByTestId("party-edit-save"));
    const msg = await screen.findByText("公民身份号码应为18位");
    expect(msg.closest(".ant-form-item")).toHaveTextContent("公民身份号码");
    expect(within(form).getByTestId("party-edit-name")).toHaveValue("赵七");
    expect(core.of("party.add")[0]).toMatchObject({ dispute_id: "d1", name: "赵七", id_number: "1101", role: "respondent", kind: "person" });
  });
});
