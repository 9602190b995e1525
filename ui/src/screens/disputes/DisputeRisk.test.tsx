import { afterEach, describe, expect, it, vi } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { renderCase as renderCaseOf } from "../../test/renderCase";
import fixture from "../../test/fixtures/dispute.json";

afterEach(() => vi.restoreAllMocks());

const renderCase = () => renderCaseOf(fixture.id);

describe("a dispute's page", () => {
  it("shows the core's level and every reason, linking the records behind them", async () => {
    fakeCore({ "dispute.get": fixture, "officer.list": [] });
    renderCase();
    const risk = await screen.findByTestId("dispute-risk");
    expect(within(risk).getByTestId("dispute-risk-level")).toHaveTextContent("红色预警");
    const reasons = within(risk).getAllByRole("listitem");
    expect(reasons.map((r) => r.getAttribute("data-signal"))).toEqual(["threat_words", "repeat_party"]);
    // The other dispute opens; the dispute on screen is not linked to itself.
    const other = within(reasons[1]).getByRole("link");
    expect(other).toHaveAttribute("href", "/disputes/other");
    expect(within(reasons[0]).queryByRole("link")).toBeNull();
  });

  it("shows nothing when the dispute is not at risk", async () => {
    fakeCore({ "dispute.get": { ...fixture, risk: { level: null, level_label: null, points: 0, reasons: [] } }, "officer.list": [] });
    renderCase();
    await screen.findByTestId("dispute-case");
    expect(screen.queryByTestId("dispute-risk")).toBeNull();
  });

  it("deletes a party added by mistake, and shows the core's refusal when it may not", async () => {
    const parties = [
      { ...fixture.parties[0], id: "p1", name: "王大" },
      { ...fixture.parties[0], id: "p2", name: "张三" },
    ];
    const open = { ...fixture, parties, next_actions: [{ action: "update", label: "修改纠纷信息" }] };
    const core = fakeCore({
      "dispute.get": open,
      "officer.list": [],
      "party.delete": (p: Record<string, unknown>) => {
        if (p.id === "p1") throw { code: "rule", message: "已进行过调解，删除后不足两方当事人，不能删除" };
        return { ...open, parties: [parties[0]] };
      },
    });
    renderCase();
    const buttons = await screen.findAllByTestId("party-delete");
    await userEvent.click(buttons[1]);
    await userEvent.click(await screen.findByTestId("party-delete-confirm"));
    expect(await screen.findByText("当事人（1）")).toBeInTheDocument();
    expect(core.of("party.delete")).toEqual([{ id: "p2" }]);
    await userEvent.click(screen.getByTestId("party-delete"));
    const confirms = await screen.findAllByTestId("party-delete-confirm");
    await userEvent.click(confirms[confirms.length - 1]);
    expect(await screen.findByText("已进行过调解，删除后不足两方当事人，不能删除")).toBeInTheDocument();
  });
});
