import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { DisputesScreen } from "./DisputesScreen";

afterEach(() => vi.restoreAllMocks());

const row = (id: string, title: string, level: string | null, label: string | null) => ({
  id,
  received_on: "2026-11-02",
  title,
  kind: "neighbour",
  track: "people",
  status: "mediating",
  status_label: "调解中",
  village_name: "青山村",
  officer_name: null,
  party_names: "王大、李四",
  amount_involved: 0,
  agreement_number: null,
  risk_level: level,
  risk_level_label: label,
  risk_points: level ? 60 : 0,
});

describe("矛盾纠纷 list by warning level", () => {
  it("shows each row's level, asks the core for one level, and for the highest first", async () => {
    const core = fakeCore({
      "dispute.list": (p: Record<string, unknown>) => ({
        items: p.level === "red" || p.sort === "risk" ? [row("d1", "围墙纠纷", "red", "红色预警")] : [row("d1", "围墙纠纷", "red", "红色预警"), row("d2", "排水纠纷", null, null)],
        total: 2,
        page: 1,
        page_size: 15,
      }),
    });
    render(
      <MemoryRouter>
        <DisputesScreen />
      </MemoryRouter>,
    );
    expect(await screen.findByText("红色预警")).toHaveClass("ant-tag-red");
    expect(core.of("dispute.list")[0]).toMatchObject({ sort: null });

    await userEvent.click(within(screen.getByTestId("filter-level")).getByRole("combobox"));
    await userEvent.click(await screen.findByTitle("红色预警"));
    await waitFor(() => expect(core.of("dispute.list").at(-1)).toMatchObject({ level: "red", page: 1 }));

    await userEvent.click(screen.getByText("预警"));
    await waitFor(() => expect(core.of("dispute.list").at(-1)).toMatchObject({ sort: "risk", level: "red" }));
  });
});
