import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { DisputeStatusLabel } from "../backend/types";
import type { DisputeStatus } from "../backend";
import { DISPUTE_STATUS_COLOR, DisputeStatusTag } from "./DisputeStatusTag";

describe("DisputeStatusTag", () => {
  it("gives each open or finished stage its own colour; closed and withdrawn stay grey", () => {
    const statuses = Object.keys(DisputeStatusLabel) as DisputeStatus[];
    const coloured = statuses.filter((s) => DISPUTE_STATUS_COLOR[s]);
    expect(new Set(coloured.map((s) => DISPUTE_STATUS_COLOR[s])).size).toBe(coloured.length);
    expect(statuses.filter((s) => !DISPUTE_STATUS_COLOR[s]).sort()).toEqual(["closed", "withdrawn"]);
    expect(DISPUTE_STATUS_COLOR.defaulted).toBe("red");
  });

  it("shows the label in the status's colour", () => {
    render(
      <>
        <DisputeStatusTag status="mediating" label="调解中" />
        <DisputeStatusTag status="defaulted" label="逾期未履行" />
        <DisputeStatusTag status="closed" label="已结案" />
      </>,
    );
    expect(screen.getByText("调解中")).toHaveClass("ant-tag-blue");
    expect(screen.getByText("逾期未履行")).toHaveClass("ant-tag-red");
    expect(screen.getByText("已结案").className).not.toMatch(/ant-tag-(blue|red|green|gold)/);
  });
});
