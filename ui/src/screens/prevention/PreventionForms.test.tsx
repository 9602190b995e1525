import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { EMPTY_REFS, fakeCore } from "../../test/fakeCore";
import { PatrolForm } from "./PatrolsTab";
import { LeadsTab } from "./LeadsTab";
import { FiveNonesTab } from "./FiveNonesTab";
import { TeamsTab } from "./TeamsTab";
import { useRefs } from "./common";

afterEach(() => vi.restoreAllMocks());

function PatrolFormWithRefs({ onSaved }: { onSaved: () => void }) {
  return <PatrolForm refs={useRefs()} onSaved={onSaved} />;
}

describe("prevention forms", () => {
  it("a patrol finding refused by the core shows the message under that finding's field, nothing typed lost", async () => {
    const core = fakeCore({
      ...EMPTY_REFS,
      "incident.list": { items: [], total: 0, page: 1, page_size: 50 },
      "patrol.create": () => {
        throw { code: "validation", message: "当场处置的发现须填写处置结果", field: "findings[0].result" };
      },
    });
    const saved = vi.fn();
    const user = userEvent.setup({ delay: null });
    render(
      <App>
        <PatrolFormWithRefs onSaved={saved} />
      </App>,
    );
    await user.click(screen.getByTestId("add-finding"));
    await user.click(await screen.findByTestId("finding-0-description"));
    await user.paste("桥头路灯不亮");
    await user.click(screen.getByTestId("patrol-save"));
    const msg = await screen.findByText("当场处置的发现须填写处置结果");
    expect(msg.closest(".ant-form-item")).toHaveTextContent("当场处置结果");
    expect(screen.getByTestId("finding-0-description")).toHaveValue("桥头路灯不亮");
    expect(saved).not.toHaveBeenCalled();
    const sent = core.of("patrol.create")[0] as { findings: Record<string, unknown>[]; mode: string; started_at: string };
    expect(sent.mode).toBe("fixed");
    expect(sent.started_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(sent.findings).toEqual([{ description: "桥头路灯不亮", handling: "handled", result: null }]);
  });

  it("了结 a lead sends lead.advance to closed with how it was handled; a closed lead offers no step", async () => {
    const lead = (id: string, status: string) => ({
      id,
      reported_on: "2026-11-02",
      reporter_volunteer_id: null,
      reporter_name: null,
      reporter_phone: null,
      content: "有人在村口兜售不明药品",
      place: "村口",
      village_id: "v1",
      status,
      handling: null,
      incident_id: null,
      case_no: null,
      closed_on: null,
    });
    const core = fakeCore({ ...EMPTY_REFS, "lead.list": [lead("l1", "verifying"), lead("l2", "closed")], "lead.advance": { id: "l1" } });
    const user = userEvent.setup({ delay: null });
    render(
      <App>
        <LeadsTab />
      </App>,
    );
    await user.click(await screen.findByTestId("lead-closed-l1"));
    expect(screen.queryByTestId("lead-verifying-l1")).not.toBeInTheDocument();
    expect(screen.queryByTestId("lead-closed-l2")).not.toBeInTheDocument();
    await user.click(await screen.findByTestId("lead-handling"));
    await user.paste("核查系误报，已告知提供人");
    await user.click(screen.getByTestId("lead-step-save"));
    await waitFor(() => expect(core.of("lead.advance")).toHaveLength(1));
    expect(core.of("lead.advance")[0]).toEqual({ id: "l1", to: "closed", handling: "核查系误报，已告知提供人" });
    await waitFor(() => expect(core.of("lead.list")).toHaveLength(2));
  });

  it("确认五无 offers what the data says and shows a refusal under 无诈", { timeout: 120000 }, async () => {
    const row = {
      village_id: "v1",
      village_name: "青山村",
      year: 2026,
      cases: 0,
      fraud: 1,
      drugs: 0,
      derived: { no_cases: true, no_fraud: false, no_drugs: true, no_petitions: null, no_cults: null },
      confirmed: null,
      confirmed_by: null,
      confirmed_on: null,
      notes: null,
    };
    const core = fakeCore({
      ...EMPTY_REFS,
      "five_nones.list": [row],
      "five_nones.confirm": () => {
        throw { code: "rule", message: "青山村2026年有诈骗警情 1 起，不能确认无诈", field: "no_fraud" };
      },
    });
    const user = userEvent.setup({ delay: null });
    render(
      <App>
        <FiveNonesTab />
      </App>,
    );
    await user.click(await screen.findByTestId("confirm-v1"));
    const form = await screen.findByTestId("five-nones-form");
    // 无诈 is offered as 否 from the fraud incident; the officer overrules it to 是.
    const fraud = within(form).getByTestId("five-no_fraud");
    expect(within(fraud).getByLabelText("否")).toBeChecked();
    expect(within(form).getByTestId("five-no_petitions").querySelector("input:checked")).toHaveAttribute("value", "unknown");
    await user.click(within(fraud).getByText("是"));
    await waitFor(() => expect(within(fraud).getByLabelText("是")).toBeChecked());
    await user.click(within(form).getByLabelText("确认民警"));
    await user.click(await screen.findByTitle("李警官"));
    await user.click(within(form).getByTestId("five-save"));
    const msg = await screen.findByText("青山村2026年有诈骗警情 1 起，不能确认无诈");
    expect(msg.closest(".ant-form-item")).toHaveTextContent("无诈");
    expect(core.of("five_nones.confirm")[0]).toEqual({
      village_id: "v1",
      year: 2026,
      officer_id: "o1",
      notes: null,
      no_cases: true,
      no_fraud: true,
      no_drugs: true,
      no_petitions: null,
      no_cults: null,
    });
  });

  it("离队 ends a serving volunteer with volunteer.end", async () => {
    const v = {
      id: "vol1",
      person_id: null,
      name: "赵六",
      phone: null,
      role: "patroller",
      team_id: null,
      team_name: null,
      village_id: null,
      village_name: null,
      active_from: "2025-03-01",
      active_to: null,
      active: true,
      training: null,
      notes: null,
    };
    const core = fakeCore({ ...EMPTY_REFS, "volunteer.list": [v], "volunteer.end": { id: "vol1" } });
    const user = userEvent.setup({ delay: null });
    render(
      <App>
        <TeamsTab />
      </App>,
    );
    await user.click(await screen.findByTestId("end-vol1"));
    await user.click(await screen.findByTestId("volunteer-end-save"));
    await waitFor(() => expect(core.of("volunteer.end")).toEqual([{ id: "vol1", on: null }]));
  });
});
