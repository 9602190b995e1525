import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { ErrandForm } from "../errands/ErrandForm";
import { StationPage } from "./StationPage";
import { StationsScreen } from "./StationsScreen";

afterEach(() => vi.restoreAllMocks());

const station = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  village_id: "v1",
  village_name: "青山村",
  address: "青山村村委会一楼",
  hours: "每周一、三、五 8:30-11:30",
  notes: null,
  opened_on: "2026-03-01",
  closed_on: null,
  open: true,
  assistants: 1,
  ...extra,
});
const assistant = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  person_id: null,
  name,
  phone: "13800000000",
  role: "police_assistant",
  team_id: null,
  team_name: null,
  village_id: "v1",
  village_name: "青山村",
  service_station_id: "s1",
  service_station_name: "青山村红警驿站",
  active_from: "2026-03-01",
  active_to: null,
  active: true,
  training: null,
  notes: null,
  ...extra,
});
const errand = {
  id: "e1",
  person_id: "p1",
  person_name: "黄秋香",
  applicant_name: "黄秋香",
  applicant_phone: null,
  service_item_id: "i1",
  service_item_name: "居民身份证补领",
  service_category: "居民身份证",
  mode: "home_visit",
  mode_label: "上门",
  status: "done",
  status_label: "已办结",
  requested_on: "2026-11-20",
  due_on: "2026-12-10",
  overdue: false,
  days_overdue: 0,
  officer_id: null,
  officer_name: null,
  notes: null,
  started_on: "2026-11-21",
  done_on: "2026-11-22",
  delivery_method: null,
  tracking_no: null,
  delivery_address: null,
  delivered_on: null,
  cancelled_on: null,
  cancel_reason: null,
  service_station_id: "s1",
  service_station_name: "青山村红警驿站",
  assistant_id: "a1",
  assistant_name: "林秀英",
  no_trip: true,
};
const month = { id: "s1", name: "青山村红警驿站", village_name: "青山村", assistants: 1, requests: 3, done: 2, no_trip: 1 };
const REFS = { "village.list": [{ id: "v1", name: "青山村", code: null, sort: 1, groups: [] }] };

const at = (path: string) =>
  render(
    <App>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/errands/stations" element={<StationsScreen />} />
          <Route path="/errands/stations/:id" element={<StationPage />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );

describe("驿站", () => {
  it("lists the stations, 设立驿站 shows the core's refusal under its field, then opens the new station", async () => {
    const core = fakeCore({
      ...REFS,
      "service_station.list": [station("s1", "青山村红警驿站")],
      "service_station.create": (p: Record<string, unknown>) => {
        if (p.name === "青山村红警驿站") throw { code: "duplicate", message: "已有驿站“青山村红警驿站”", field: "name", existing_id: "s1" };
        return station("s2", String(p.name), { assistants: 0 });
      },
      "service_station.get": (p: Record<string, unknown>) => ({ station: station(String(p.id), "白岩村红警驿站"), assistants: [], errands: [], errands_total: 0, month }),
    });
    const user = userEvent.setup({ delay: null });
    at("/errands/stations");
    expect(await screen.findAllByTestId("station-row")).toHaveLength(1);
    expect(screen.getByText("开放中")).toBeInTheDocument();
    await user.click(screen.getByTestId("station-new"));
    const form = within(await screen.findByTestId("station-form"));
    await user.type(form.getByTestId("station-name"), "青山村红警驿站");
    await user.click(form.getByRole("combobox", { name: "所在村（社区）" }));
    await user.click(await screen.findByTitle("青山村"));
    await user.click(form.getByTestId("station-save"));
    expect(await form.findByText("已有驿站“青山村红警驿站”")).toBeInTheDocument();
    await user.clear(form.getByTestId("station-name"));
    await user.type(form.getByTestId("station-name"), "白岩村红警驿站");
    await user.click(form.getByTestId("station-save"));
    expect(await screen.findByTestId("station-page")).toBeInTheDocument();
    expect(core.of("service_station.create").at(-1)).toMatchObject({ name: "白岩村红警驿站", village_id: "v1" });
    expect(core.of("service_station.get")).toEqual([{ id: "s2" }]);
  }, 180000);

  it("a station's page shows its assistants, its errands and its month, and adds a 警务助理 to it", async () => {
    let assistants = [assistant("a1", "林秀英"), assistant("a0", "陈国强", { active: false, active_to: "2026-09-24" })];
    const core = fakeCore({
      "service_station.get": () => ({ station: station("s1", "青山村红警驿站"), assistants, errands: [errand], errands_total: 1, month }),
      "volunteer.create": (p: Record<string, unknown>) => {
        assistants = [...assistants, assistant("a2", String(p.name))];
        return { id: "a2" };
      },
    });
    const user = userEvent.setup({ delay: null });
    at("/errands/stations/s1");
    expect(await screen.findAllByTestId("assistant-row")).toHaveLength(2);
    expect(screen.getByText("2026-09-24 离岗")).toBeInTheDocument();
    const row = screen.getByTestId("station-errand-row");
    expect(row).toHaveTextContent("居民身份证补领");
    expect(row).toHaveTextContent("林秀英");
    expect(within(row).getByText("是")).toBeInTheDocument();
    expect(within(screen.getByTestId("station-figures")).getByText("青山村红警驿站").closest("tr")).toHaveTextContent(/青山村1321$/);
    await user.click(screen.getByTestId("assistant-new"));
    const form = within(await screen.findByTestId("assistant-form"));
    await user.type(form.getByTestId("assistant-name"), "张明");
    await user.click(form.getByTestId("assistant-save"));
    await waitFor(() => expect(screen.getAllByTestId("assistant-row")).toHaveLength(3));
    expect(core.of("volunteer.create")).toEqual([
      expect.objectContaining({ name: "张明", role: "police_assistant", service_station_id: "s1", village_id: "v1" }),
    ]);
  }, 180000);
});

describe("受理代办 at a 驿站", () => {
  it("picks the station, then one of its 警务助理, and sends both", async () => {
    const core = fakeCore({
      "service_item.list": {
        total: 1,
        categories: [{ category: "居民身份证", items: [{ id: "i1", category: "居民身份证", name: "居民身份证补领", description: null, materials: null, time_limit_days: 20, sort: 1, active: true }] }],
      },
      "officer.list": [],
      "service_station.list": [station("s1", "青山村红警驿站")],
      "volunteer.list": (f: Record<string, unknown>) => (f.service_station_id === "s1" ? [assistant("a1", "林秀英")] : []),
      "errand.create": (p: Record<string, unknown>) => ({ ...errand, ...p }),
    });
    const saved = vi.fn();
    const user = userEvent.setup({ delay: null });
    render(
      <App>
        <ErrandForm onSaved={saved} />
      </App>,
    );
    await user.click(await screen.findByRole("combobox", { name: "服务事项" }));
    await user.click(await screen.findByText("居民身份证补领（20 天）"));
    await user.type(screen.getByTestId("errand-applicant"), "黄秋香");
    await user.click(await screen.findByRole("combobox", { name: "受理驿站" }));
    await user.click(await screen.findByTitle("青山村红警驿站"));
    await waitFor(() => expect(core.of("volunteer.list")).toEqual([{ role: "police_assistant", service_station_id: "s1", active_only: true }]));
    await user.click(screen.getByRole("combobox", { name: "受理的警务助理" }));
    await user.click(await screen.findByTitle("林秀英"));
    await user.click(screen.getByTestId("errand-save"));
    await waitFor(() => expect(saved).toHaveBeenCalled());
    expect(core.of("errand.create")[0]).toMatchObject({ applicant_name: "黄秋香", service_item_id: "i1", service_station_id: "s1", assistant_id: "a1" });
  }, 180000);
});
