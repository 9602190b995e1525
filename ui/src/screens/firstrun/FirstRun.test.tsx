import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App as AntApp } from "antd";
import { FirstRun } from "./FirstRun";

afterEach(() => vi.restoreAllMocks());

describe("FirstRun", () => {
  it("keeps 从备份恢复 folded until asked for, then shows the backup picker", async () => {
    const user = userEvent.setup();
    render(
      <AntApp>
        <FirstRun onDone={() => undefined} />
      </AntApp>,
    );
    expect(screen.getByTestId("import-demo")).toBeInTheDocument();
    expect(screen.queryByTestId("restore-card")).toBeNull();
    await user.click(screen.getByText("从备份恢复（换了电脑、重装系统时）"));
    expect(await screen.findByTestId("restore-card")).toBeInTheDocument();
    expect(screen.getByTestId("restore-pick")).toBeEnabled();
    expect(screen.getByTestId("restore-run")).toBeDisabled();
  });
});
