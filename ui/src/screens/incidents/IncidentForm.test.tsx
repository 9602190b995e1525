import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeCore } from "../../test/fakeCore";
import { IncidentForm } from "./IncidentForm";

afterEach(() => vi.restoreAllMocks());

const INCIDENT = {
  id: "i1",
  occurred_at: "2026-11-03T12:10:00Z",
  occurred_at_local: "2026-11-03 20:10",
  reported_at: null,
  reported_at_local: null,
  place: "青山村12号门前",
  village_id: null,
  village_name: null,
  kind: "dispute",
  kind_label: "纠纷",
  reporter_name: null,
  reporter_phone: null,
  reporter_person_id: null,
  people: null,
  persons: [],
  summary: "两家因围墙争吵",
  handling: null,
  disposition: "pending",
  disposition_label: "待处理",
  dispute_id: "d9",
  case_no: null,
  officer_id: null,
  officer_name: null,
};

describe("IncidentForm", () => {
  it("shows the linked dispute by its title and the picked time, and keeps the link on save", async () => {
    const core = fakeCore({
      "village.list": [],
      "officer.list": [],
      "dispute.list": { items: [], total: 0, page: 1, page_size: 20 },
      "dispute.get": { id: "d9", received_on: "2026-11-04", title: "王某与李某宅基地纠纷" },
      "incident.update": (p: Record<string, unknown>) => ({ ...INCIDENT, ...p }),
    });
    const saved = vi.fn();
    const user = userEvent.setup({ delay: null });
    render(<IncidentForm incident={INCIDENT as never} onSaved={saved} />);
    expect(await screen.findByText("2026-11-04 王某与李某宅基地纠纷")).toBeInTheDocument();
    expect(screen.getByLabelText("发生时间")).toHaveValue("2026-11-03 20:10");
    await user.click(screen.getByTestId("incident-save"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    expect(core.of("incident.update")[0]).toMatchObject({ id: "i1", dispute_id: "d9", occurred_at: "2026-11-03 20:10" });
  });

  it("starts a new incident at Beijing's time on a PC set to another zone", async () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/Los_Angeles";
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T17:30:00Z"));
    try {
      fakeCore({ "village.list": [], "officer.list": [], "dispute.list": { items: [], total: 0, page: 1, page_size: 20 } });
      render(<IncidentForm onSaved={() => {}} />);
      expect(screen.getByLabelText("发生时间")).toHaveValue("2026-12-06 01:30");
    } finally {
      vi.useRealTimers();
      process.env.TZ = zone;
    }
  });
});
