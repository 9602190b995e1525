import { Alert, Space, Typography } from "antd";
import type { Dispute } from "../../backend";
import { RiskLevelTag } from "../../components/RiskLevelTag";
import { RiskReasons } from "../../components/RiskReasons";

const ALERT: Record<string, "error" | "warning" | "info"> = { red: "error", orange: "warning", yellow: "info" };

/** The dispute's warning on its page: the core's level and every reason, with the records behind them. */
export function DisputeRisk({ dispute }: { dispute: Dispute }) {
  const r = dispute.risk;
  if (!r.level) return null;
  return (
    <Alert
      type={ALERT[r.level]}
      data-testid="dispute-risk"
      message={
        <Space>
          <RiskLevelTag level={r.level} label={r.level_label} data-testid="dispute-risk-level" />
          <Typography.Text strong>风险预警</Typography.Text>
          <Typography.Text type="secondary">{r.points} 分</Typography.Text>
        </Space>
      }
      description={<RiskReasons reasons={r.reasons} here={dispute.id} />}
    />
  );
}
