import { describe, expect, it } from "vitest";
import { describeTransfer } from "./sync";
import type { BundleImportReport } from "./types/BundleImportReport";

const report: BundleImportReport = {
  from: "hq",
  counter: 4,
  changes: 5,
  applied: 5,
  ignored: 0,
  duplicates: 0,
  conflicts: 0,
  refused: 0,
  refusals: [],
  repeat: false,
  recovered: 0,
};

describe("describeTransfer", () => {
  it("tells a reply imported before as such, not as nothing applied", () => {
    expect(describeTransfer(report)).toBe("收到第 4 号同步包，变更 5 条，应用 5 条");
    expect(describeTransfer({ ...report, applied: 0, duplicates: 5, repeat: true })).toBe(
      "第 4 号同步包本机已导入过，这次没有重复导入（5 条变更均已有），数据未变",
    );
  });

  it("says how many of its own changes a post restored from an older backup got back", () => {
    expect(describeTransfer({ ...report, recovered: 3 })).toBe(
      "收到第 4 号同步包，变更 5 条，应用 5 条，从县局取回本机恢复前的改动 3 条",
    );
  });
});
