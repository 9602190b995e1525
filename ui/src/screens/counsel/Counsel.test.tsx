import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "antd";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { fakeCore } from "../../test/fakeCore";
import { CounselScreen } from "./CounselScreen";
import { CounselFigures } from "./CounselFigures";

afterEach(() => vi.restoreAllMocks());

const lawyer = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  kind: "resident",
  kind_label: "驻所律师",
  firm: "青山律师事务所",
  licence_no: "13303201510234567",
  phone: null,
  serving_from: "2026-01-01",
  serving_to: null,
  serving: true,
  notes: null,
  sittings: 1,
  hours: 3.5,
  ...extra,
});
const sitting = (id: string, on: string) => ({
  id,
  lawyer_id: "l1",
  lawyer_name: "孙明远",
  sat_on: on,
  hours: 3.5,
  consultations: 4,
  people_served: 6,
  topics: "土地承包",
});

const at = () =>
  render(
    <App>
      <MemoryRouter initialEntries={["/counsel"]}>
        <Routes>
          <Route path="/counsel" element={<CounselScreen />} />
          <Route path="/disputes/:id" element={<div data-testid="dispute-page" />} />
        </Routes>
      </MemoryRouter>
    </App>,
  );

describe("法律顾问", () => {
  it("shows the first lawyer's sittings and the disputes they joined, each opening its dispute", async () => {
    const core = fakeCore({
      "lawyer.list": [lawyer("l1", "孙明远"), lawyer("l2", "赵文静", { kind: "adviser", kind_label: "法律顾问", serving: false, serving_to: "2026-06-30" })],
      "lawyer.get": (p: { id: string }) => ({
        lawyer: lawyer(p.id, p.id === "l1" ? "孙明远" : "赵文静"),
        sittings: p.id === "l1" ? [sitting("s1", "2026-11-17")] : [],
        disputes:
          p.id === "l1"
            ? [{ dispute_id: "d1", title: "王建国与李长林相邻通行纠纷", status_label: "已结案", rounds: 2, last_held_on: "2026-11-06", level_label: "联调", mode_label: "视频联调", outcome_label: "达成一致" }]
            : [],
      }),
    });
    const user = userEvent.setup({ delay: null });
    at();
    expect(await screen.findAllByTestId("lawyer-row")).toHaveLength(2);
    const page = await screen.findByTestId("lawyer-page");
    expect(within(page).getAllByTestId("sitting-row")).toHaveLength(1);
    expect(within(page).getByText("2026-11-06 联调（视频联调）")).toBeInTheDocument();
    expect(core.of("lawyer.get")).toEqual([{ id: "l1" }]);
    await user.click(screen.getByText("赵文静"));
    await waitFor(() => expect(core.of("lawyer.get").at(-1)).toEqual({ id: "l2" }));
    expect(await within(screen.getByTestId("lawyer-disputes")).findByText("尚未参与调解")).toBeInTheDocument();
    await user.click(screen.getByText("孙明远", { selector: "strong" }));
    await user.click(await screen.findByText("王建国与李长林相邻通行纠纷"));
    expect(await screen.findByTestId("dispute-page")).toBeInTheDocument();
  });

  it("登记坐班: the core's refusal shows under the field it names, then the sitting is listed", async () => {
    let sittings = [sitting("s1", "2026-11-17")];
    const core = fakeCore({
      "lawyer.list": [lawyer("l1", "孙明远")],
      "lawyer.get": () => ({ lawyer: lawyer("l1", "孙明远"), sittings, disputes: [] }),
      "sitting.create": (p: Record<string, unknown>) => {
        if (p.sat_on === "2025-12-31") throw { code: "validation", message: "坐班日期2025-12-31不在孙明远律师的服务期内（2026-01-01 起）", field: "sat_on" };
        const s = { ...sitting("s2", String(p.sat_on)), ...p };
        sittings = [s as typeof sittings[number], ...sittings];
        return s;
      },
    });
    const user = userEvent.setup({ delay: null });
    at();
    const page = await screen.findByTestId("lawyer-page");
    await user.click(within(page).getByTestId("sitting-new"));
    const form = within(await screen.findByTestId("sitting-form"));
    const date = form.getByPlaceholderText("选择日期");
    await user.type(date, "2025-12-31");
    await user.clear(form.getByTestId("sitting-consultations"));
    await user.type(form.getByTestId("sitting-consultations"), "5");
    await user.type(form.getByTestId("sitting-topics"), "赡养纠纷咨询");
    await user.click(form.getByTestId("sitting-save"));
    expect(await form.findByText("坐班日期2025-12-31不在孙明远律师的服务期内（2026-01-01 起）")).toBeInTheDocument();
    await user.clear(date);
    await user.type(date, "2026-11-20");
    await user.click(form.getByTestId("sitting-save"));
    await waitFor(() => expect(within(screen.getByTestId("lawyer-page")).getAllByTestId("sitting-row")).toHaveLength(2));
    expect(core.of("sitting.create").at(-1)).toEqual({
      lawyer_id: "l1",
      sat_on: "2026-11-20",
      hours: 3,
      consultations: 5,
      people_served: 0,
      topics: "赡养纠纷咨询",
    });
  }, 180000);
});

describe("报表 → 法律顾问", () => {
  it("shows the month's sittings, hours, disputes with their rebounds and the video rounds", () => {
    render(
      <CounselFigures c={{ sittings: 3, hours: 9.5, consultations: 11, people_served: 14, disputes: 4, agreed: 3, rebounded: 1, video_rounds: 1 }} />,
    );
    const box = screen.getByTestId("counsel-figures");
    expect(box).toHaveTextContent("3 次，9.5 小时");
    expect(box).toHaveTextContent("咨询 11 次，接待 14 人次");
    expect(box).toHaveTextContent("4 件，达成协议 3 件，反弹 1 件");
    expect(box).toHaveTextContent("视频联调1 次");
  });
});
