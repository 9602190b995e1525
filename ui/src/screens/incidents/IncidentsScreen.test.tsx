import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { IncidentsScreen } from "./IncidentsScreen";

afterEach(() => vi.restoreAllMocks());

const incident = {
  id: "i1",
  occurred_at: "2026-11-20T13:00:00Z",
  occurred_at_local: "2026-11-20 21:00",
  reported_at: null,
  reported_at_local: null,
  place: "青山村3组村口",
  village_id: null,
  village_name: null,
  kind: "nuisance",
  kind_label: "噪音扰民",
  reporter_name: null,
  reporter_phone: null,
  reporter_person_id: null,
  people: null,
  persons: [],
  summary: "音响扰民",
  handling: null,
  disposition: "pending",
  disposition_label: "处置中",
  dispute_id: null,
  case_no: null,
  officer_id: null,
  officer_name: null,
  repeats: { same_place: 1, same_person: 1, total: 2 },
};
const brief = (id: string, at: string, place: string) => ({ id, occurred_at_local: at, place, kind_label: "噪音扰民", summary: "音响扰民", disposition_label: "处置中" });

describe("警情 and their repeats", () => {
  it("shows each incident's repeat counts and, opened from a warning's link, the repeats together", async () => {
    const core = fakeCore({
      "incident.list": { items: [incident], total: 1, page: 1, page_size: 15 },
      "village.list": [],
      "incident.get": incident,
      "incident.repeats": {
        incident_id: "i1",
        days: 30,
        count: 2,
        same_place: [brief("i2", "2026-11-01 20:00", "青山村 3组村口")],
        same_person: [{ person_id: "p1", name: "王建国", incidents: [brief("i3", "2026-11-15 20:00", "溪口村文化礼堂")] }],
      },
    });
    render(
      <MemoryRouter initialEntries={["/incidents?incident=i1"]}>
        <IncidentsScreen />
      </MemoryRouter>,
    );
    const list = await screen.findByTestId("repeat-list");
    expect(within(list).getByText("重复警情（前后 30 天内 2 起）")).toBeInTheDocument();
    expect(within(list).getByText("一地多报：同一地点")).toBeInTheDocument();
    expect(within(list).getByText("一人多报：王建国")).toBeInTheDocument();
    expect(within(list).getByText(/溪口村文化礼堂/)).toBeInTheDocument();
    expect(core.of("incident.get")).toEqual([{ id: "i1" }]);
    const row = (await screen.findAllByTestId("repeat-tags"))[0];
    expect(within(row).getByText("一地多报 1")).toBeInTheDocument();
    expect(within(row).getByText("一人多报 1")).toBeInTheDocument();
  });
});
