import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { renderCase } from "../../test/renderCase";

afterEach(() => vi.restoreAllMocks());

const OFFICERS = [
  { id: "o1", name: "周立新", role: "officer", badge_no: null, phone: null, active: true, preside_refusal: null },
  { id: "o2", name: "林海燕", role: "auxiliary", badge_no: null, phone: null, active: true, preside_refusal: "辅警不能主持治安调解" },
];

/** A dispute as the core returns it, with `changes` on top. */
const dispute = (changes: Record<string, unknown> = {}) => ({
  id: "d1",
  title: "王某与李某排水沟纠纷",
  status: "mediating",
  status_label: "调解中",
  track: "people",
  source: "walk_in",
  grade: "general",
  received_on: "2026-11-02",
  kind: "neighbour",
  kind_label: "邻里",
  village_name: "青山村",
  officer_name: "周立新",
  amount_involved: 0,
  matters: "排水沟清理",
  facts: "两家共用排水沟堵塞",
  responsibility: "双方均有疏于清理的责任",
  parties: [],
  mediations: [],
  follow_ups: [],
  missing: [] as { field: string; label: string }[],
  agreement: null,
  agreement_draft: { kind: "people", mediators: [] },
  incidents: [],
  mediation_levels: ["initial", "review", "joint"],
  next_actions: [{ action: "mediate", label: "登记调解" }],
  risk: { level: null, level_label: null, points: 0, reasons: [] },
  ...changes,
});


describe("a dispute's page", () => {
  it("shows source, grade, responsibility and the linked incident, and no amount when none was entered", async () => {
    fakeCore({
      "dispute.get": dispute({ incidents: [{ id: "i1", occurred_at_local: "2026-11-01 20:10", kind_label: "纠纷", place: "青山村3组" }] }),
      "officer.list": OFFICERS,
    });
    renderCase();
    const facts = await screen.findByTestId("dispute-facts");
    expect(facts).toHaveTextContent("来源来访");
    expect(facts).toHaveTextContent("等级一般");
    expect(facts).toHaveTextContent("各方责任双方均有疏于清理的责任");
    expect(facts).toHaveTextContent("涉及金额—");
    expect(facts).not.toHaveTextContent("0.00");
    expect(screen.getByTestId("dispute-incident")).toHaveTextContent("2026-11-01 20:10 纠纷（青山村3组）");
    expect(screen.getByTestId("dispute-incident")).toHaveAttribute("href", "/incidents?incident=i1");
  });

  it("登记调解 on 治安调解 offers only 联调, chosen, and greys an auxiliary as presider with the core's reason", async () => {
    fakeCore({
      "dispute.get": dispute({ track: "security", mediation_levels: ["joint"] }),
      "officer.list": OFFICERS,
    });
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("action-mediate"));
    const form = await screen.findByTestId("mediation-form");
    expect(within(form).getByLabelText("联调")).toBeChecked();
    expect(within(form).getByLabelText("初调")).toBeDisabled();
    await user.click(within(form).getByTestId("mediation-presider").querySelector(".ant-select-selector")!);
    const aux = await screen.findByText("林海燕（辅警）：辅警不能主持治安调解");
    expect(aux.closest(".ant-select-item-option")).toHaveClass("ant-select-item-option-disabled");
    expect(screen.getByText("周立新", { selector: ".ant-select-item-option-content" }).closest(".ant-select-item-option")).not.toHaveClass(
      "ant-select-item-option-disabled",
    );
  });

  it("takes the level's message away once another level is chosen", async () => {
    fakeCore({
      "dispute.get": dispute(),
      "officer.list": OFFICERS,
      "mediation.add": () => {
        throw { code: "validation", message: "本纠纷已进行过复调，不能再回到初调；请选择复调或更高层级", field: "level" };
      },
    });
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("action-mediate"));
    const form = await screen.findByTestId("mediation-form");
    await user.click(within(form).getByTestId("mediation-save"));
    expect(await within(form).findByText(/不能再回到初调/)).toBeInTheDocument();
    await user.click(within(form).getByText("联调"));
    await waitFor(() => expect(within(form).queryByText(/不能再回到初调/)).not.toBeInTheDocument());
  });

  it("登记调解 by 视频联调 asks for the centre, takes the lawyers, and the round shows how it was held", async () => {
    const round = {
      id: "m1", level: "joint", level_label: "联调", held_on: "2026-11-20", place: null, mediators: [], presider_officer_id: null,
      presider_name: null, officer_ids: [], attendees: null, recorder: null, record: null, outcome: "settled", outcome_label: "达成一致",
      recording_ref: null, mode: "video", mode_label: "视频联调", centre: "青山镇矛盾纠纷联合调解中心", lawyer_ids: ["l1"], lawyer_names: ["孙明远"],
    };
    const core = fakeCore({
      "dispute.get": dispute(),
      "officer.list": OFFICERS,
      "lawyer.list": [{ id: "l1", name: "孙明远", kind: "resident", kind_label: "驻所律师", firm: "青山律师事务所", licence_no: "13303201510234567", phone: null, serving_from: "2026-01-01", serving_to: null, serving: true, notes: null, sittings: 0, hours: 0 }],
      "mediation.add": () => dispute({ mediations: [round] }),
    });
    const user = userEvent.setup({ delay: null });
    renderCase();
    await user.click(await screen.findByTestId("action-mediate"));
    const form = within(await screen.findByTestId("mediation-form"));
    await user.click(form.getByText("联调"));
    expect(form.getByText("不选为“警务室”")).toBeInTheDocument();
    expect(form.queryByTestId("mediation-centre")).not.toBeInTheDocument();
    await user.click(form.getByText("视频联调"));
    await user.type(await form.findByTestId("mediation-centre"), "青山镇矛盾纠纷联合调解中心");
    await user.click(form.getByTestId("mediation-lawyers").querySelector(".ant-select-selector")!);
    await user.click(await screen.findByText("孙明远（青山律师事务所）"));
    await user.click(form.getByText("达成一致"));
    await user.click(form.getByTestId("mediation-save"));
    await waitFor(() => expect(core.of("mediation.add")).toHaveLength(1));
    expect(core.of("mediation.add")[0]).toMatchObject({ level: "joint", mode: "video", centre: "青山镇矛盾纠纷联合调解中心", lawyer_ids: ["l1"] });
    const timeline = await screen.findByTestId("mediation-timeline");
    await waitFor(() => expect(timeline).toHaveTextContent("视频联调（青山镇矛盾纠纷联合调解中心）"));
    expect(timeline).toHaveTextContent("律师：孙明远");
  }, 180000);

  it("starts the agreement from what the settled round recorded", async () => {
    fakeCore({
      "dispute.get": dispute({
        status: "agreed",
        status_label: "已达成一致",
        next_actions: [{ action: "save_agreement", label: "保存协议" }],
        agreement_draft: { kind: "people", mediators: ["陈百川"], recorder: "李警官", presider_officer_id: "o1" },
      }),
      "officer.list": OFFICERS,
    });
    renderCase();
    const form = await screen.findByTestId("agreement-form");
    expect(within(form).getByTestId("agreement-recorder")).toHaveValue("李警官");
    expect(within(within(form).getByTestId("agreement-mediators").closest(".ant-select")! as HTMLElement).getByText("陈百川")).toBeInTheDocument();
  });

  it("recomputes the refusal above the agreement on the next attempt", async () => {
    const missing = [{ field: "terms", label: "协议内容" }];
    let saved = dispute({
      status: "agreed",
      status_label: "已达成一致",
      next_actions: [
        { action: "save_agreement", label: "保存协议" },
        { action: "finalise_agreement", label: "协议生效" },
      ],
      missing,
    });
    fakeCore({
      "dispute.get": () => saved,
      "officer.list": OFFICERS,
      "agreement.save": (p: Record<string, unknown>) => {
        saved = { ...saved, missing: p.terms ? [] : missing };
        return saved;
      },
      "agreement.finalise": () => {
        throw { code: "incomplete", message: "人民调解协议书还缺少以下内容：协议内容", missing };
      },
    });
    const user = userEvent.setup({ delay: null });
    renderCase();
    const form = await screen.findByTestId("agreement-form");
    await user.click(within(form).getByTestId("agreement-finalise"));
    expect(await within(form).findByText("人民调解协议书还缺少以下内容：协议内容")).toBeInTheDocument();
    await user.click(within(form).getByTestId("agreement-terms"));
    await user.paste("李某于十日内清理排水沟");
    await user.click(within(form).getByTestId("agreement-save"));
    await waitFor(() => expect(screen.getByTestId("agreement-missing")).toHaveTextContent("协议内容已齐全"));
    expect(within(form).queryByText("人民调解协议书还缺少以下内容：协议内容")).not.toBeInTheDocument();
  });
});
