import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { DispositionLabel } from "../backend/types";
import type { Disposition } from "../backend";
import { DISPOSITION_COLOR, DispositionTag } from "./DispositionTag";

describe("DispositionTag", () => {
  it("gives each disposition but 无需处理 its own colour", () => {
    const all = Object.keys(DispositionLabel) as Disposition[];
    const coloured = all.filter((d) => DISPOSITION_COLOR[d]);
    expect(new Set(coloured.map((d) => DISPOSITION_COLOR[d])).size).toBe(coloured.length);
    expect(all.filter((d) => !DISPOSITION_COLOR[d])).toEqual(["no_action"]);
  });

  it("shows the label in the disposition's colour", () => {
    render(
      <>
        <DispositionTag disposition="pending" label="处置中" />
        <DispositionTag disposition="case_opened" label="立案" />
        <DispositionTag disposition="no_action" label="无需处理" />
      </>,
    );
    expect(screen.getByText("处置中")).toHaveClass("ant-tag-orange");
    expect(screen.getByText("立案")).toHaveClass("ant-tag-red");
    expect(screen.getByText("无需处理").className).not.toMatch(/ant-tag-(orange|red|green|cyan|purple)/);
  });
});
