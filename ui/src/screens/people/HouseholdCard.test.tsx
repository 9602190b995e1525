import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { HouseholdCard } from "./HouseholdCard";

afterEach(() => vi.restoreAllMocks());

const HOUSEHOLD = {
  id: "hh1",
  village_id: "v1",
  village_name: "青山村",
  group_id: null,
  group_name: null,
  house_no: "12号",
  address: "青山村12号",
  head_name: "王大",
  phone: null,
  notes: null,
  members: [],
  visits: [],
};

describe("HouseholdCard", () => {
  it("lists the disputes and incidents of the household's people, asked by household_id", async () => {
    const page = (items: unknown[]) => ({ items, total: items.length, page: 1, page_size: 50 });
    const core = fakeCore({
      "household.get": HOUSEHOLD,
      "village.list": [],
      "dispute.list": page([{ id: "d1", received_on: "2026-11-02", title: "王某与李某宅基地纠纷", kind: "homestead", track: "people", status: "mediating", status_label: "调解中", village_name: "青山村", officer_name: null, party_names: "王大、李四", amount_involved: 0, agreement_number: null }]),
      "errand.list": page([]),
      "incident.list": page([{ id: "i1", occurred_at_local: "2026-11-03 20:10", kind_label: "纠纷", summary: "两家因围墙争吵", disposition: "mediated", disposition_label: "调解", repeats: { same_place: 1, same_person: 2, total: 2 } }]),
    });
    render(
      <MemoryRouter initialEntries={["/households/hh1"]}>
        <Routes>
          <Route path="/households/:id" element={<HouseholdCard />} />
        </Routes>
      </MemoryRouter>,
    );
    expect(await within(await screen.findByTestId("household-disputes")).findByText("王某与李某宅基地纠纷")).toBeInTheDocument();
    expect(within(screen.getByTestId("household-incidents")).getByText("两家因围墙争吵")).toBeInTheDocument();
    expect(within(screen.getByTestId("household-incidents")).getByText("调解")).toHaveClass("ant-tag-green");
    // The core's repeat counts: 一地多报 and 一人多报, and the card says how many incidents repeat.
    expect(within(screen.getByTestId("household-incidents")).getByText("一地多报 1")).toBeInTheDocument();
    expect(within(screen.getByTestId("household-incidents")).getByText("一人多报 2")).toBeInTheDocument();
    expect(screen.getByText("家庭成员涉及的警情（1 起，其中重复警情 1 起）")).toBeInTheDocument();
    await waitFor(() => expect(core.of("errand.list")).toHaveLength(1));
    for (const m of ["dispute.list", "incident.list", "errand.list"]) expect(core.of(m)[0]).toMatchObject({ household_id: "hh1" });
  });
});
