import { describe, expect, it } from "vitest";
import { useState } from "react";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DateField } from "./DateField";

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
});
