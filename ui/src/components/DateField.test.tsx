import { describe, expect, it, vi } from "vitest";
import { Button, Form, Input } from "antd";
import { useState } from "react";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DateField, MonthField, YearField, typedIn, typedValue } from "./DateField";

function Harness({ showTime }: { showTime?: boolean }) {
  const [v, setV] = useState<string | null>(null);
  return (
    <>
      <DateField value={v} onChange={setV} showTime={showTime} data-testid="field" />
      <output data-testid="held">{v ?? "空"}</output>
      <button type="button">下一项</button>
    </>
  );
}

describe("DateField", () => {
  it("takes a date typed from the keyboard and holds it as the text the core reads", async () => {
    const user = userEvent.setup({ delay: null });
    render(<Harness />);
    await user.click(screen.getByTestId("field"));
    await user.keyboard("2026-11-05");
    await user.click(screen.getByText("下一项"));
    await waitFor(() => expect(screen.getByTestId("held")).toHaveTextContent("2026-11-05"));
  });

  it("does not hold half a date", async () => {
    const user = userEvent.setup({ delay: null });
    render(<Harness />);
    await user.click(screen.getByTestId("field"));
    await user.keyboard("2026-1");
    await user.click(screen.getByText("下一项"));
    expect(screen.getByTestId("held")).toHaveTextContent("空");
  });

  it("sends a typed date when 保存 is clicked straight after typing", async () => {
    const user = userEvent.setup({ delay: null });
    const onFinish = vi.fn();
    render(<SaveForm onFinish={onFinish} initial="2026-12-31" />);
    const input = screen.getByTestId("due");
    await user.tripleClick(input);
    await user.keyboard("2026-11-05");
    await user.click(screen.getByText("保存表单"));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(onFinish.mock.calls[0][0].due_on).toBe("2026-11-05");
  });

  it("sends a typed date when Enter is pressed in the field", async () => {
    const user = userEvent.setup({ delay: null });
    const onFinish = vi.fn();
    render(<SaveForm onFinish={onFinish} />);
    await user.click(screen.getByTestId("note"));
    await user.keyboard("备注");
    await user.click(screen.getByTestId("due"));
    await user.keyboard("2026-11-05");
    await user.click(screen.getByText("保存表单"));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(onFinish.mock.calls[0][0]).toMatchObject({ due_on: "2026-11-05", note: "备注" });
    onFinish.mockClear();
    await user.tripleClick(screen.getByTestId("due"));
    await user.keyboard("2026-11-06{Enter}");
    await user.click(screen.getByText("保存表单"));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(onFinish.mock.calls[0][0].due_on).toBe("2026-11-06");
  });

  it("sends a typed date and time without 确定", async () => {
    const user = userEvent.setup({ delay: null });
    const onFinish = vi.fn();
    render(<SaveForm onFinish={onFinish} showTime />);
    await user.click(screen.getByTestId("due"));
    await user.keyboard("2026-11-05 19:30");
    await user.click(screen.getByText("保存表单"));
    await waitFor(() => expect(onFinish).toHaveBeenCalled());
    expect(onFinish.mock.calls[0][0].due_on).toBe("2026-11-05 19:30");
  });

  it("reads only whole, real dates from typed text", () => {
    expect(typedValue("2026-11-05", "YYYY-MM-DD")).toBe("2026-11-05");
    expect(typedValue("2026-11-0", "YYYY-MM-DD")).toBeUndefined();
    expect(typedValue("2026-02-30", "YYYY-MM-DD")).toBeUndefined();
    expect(typedValue("", "YYYY-MM-DD")).toBeNull();
    expect(typedValue("2026-11-05 7:30", "YYYY-MM-DD HH:mm")).toBeUndefined();
    expect(typedValue("2026-11-05 07:30", "YYYY-MM-DD HH:mm")).toBe("2026-11-05 07:30");
  });
});

function SaveForm({ onFinish, initial, showTime }: { onFinish: (v: unknown) => void; initial?: string; showTime?: boolean }) {
  return (
    <Form onFinish={onFinish} initialValues={{ due_on: initial ?? null }}>
      <Form.Item name="note" label="备注">
        <Input data-testid="note" />
      </Form.Item>
      <Form.Item name="due_on" label="到期日期">
        <DateField data-testid="due" showTime={showTime} />
      </Form.Item>
      <Button htmlType="submit">保存表单</Button>
    </Form>
  );
}

function PeriodHarness() {
  const [month, setMonth] = useState("2026-11");
  const [year, setYear] = useState(2026);
  return (
    <>
      <MonthField value={month} onChange={setMonth} data-testid="month" />
      <YearField value={year} onChange={setYear} data-testid="year" />
      <output data-testid="held-month">{month}</output>
      <output data-testid="held-year">{year}</output>
    </>
  );
}

describe("MonthField and YearField", () => {
  it("take a typed month or year as soon as it is whole, before the field is left", async () => {
    const user = userEvent.setup({ delay: null });
    render(<PeriodHarness />);
    await user.tripleClick(screen.getByTestId("month"));
    await user.keyboard("2025年0");
    expect(screen.getByTestId("held-month")).toHaveTextContent("2026-11");
    await user.keyboard("3月");
    await waitFor(() => expect(screen.getByTestId("held-month")).toHaveTextContent("2025-03"));
    await user.tripleClick(screen.getByTestId("year"));
    await user.keyboard("2024");
    await waitFor(() => expect(screen.getByTestId("held-year")).toHaveTextContent("2024"));
  });

  it("read the forms an officer types", () => {
    expect(typedIn("2026年3月", ["YYYY年MM月", "YYYY年M月", "YYYY-MM"])?.format("YYYY-MM")).toBe("2026-03");
    expect(typedIn("2026-03", ["YYYY年MM月", "YYYY年M月", "YYYY-MM"])?.format("YYYY-MM")).toBe("2026-03");
    expect(typedIn("2026年", ["YYYY年MM月", "YYYY年M月", "YYYY-MM"])).toBeNull();
    expect(typedIn("202", ["YYYY年", "YYYY"])).toBeNull();
  });
});
