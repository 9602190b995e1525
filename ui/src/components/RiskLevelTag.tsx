import { Tag } from "antd";
import type { RiskLevel } from "../backend";

const COLOR: Record<RiskLevel, string> = { red: "red", orange: "orange", yellow: "gold" };

/** A dispute's warning level as the core labels it (红色预警, 橙色预警, 黄色预警); nothing below 黄色. */
export function RiskLevelTag({ level, label, ...rest }: { level: RiskLevel | null; label: string | null; "data-testid"?: string }) {
  if (!level) return null;
  return (
    <Tag color={COLOR[level]} data-level={level} {...rest}>
      {label}
    </Tag>
  );
}
