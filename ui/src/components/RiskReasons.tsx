import { List, Space, Tag, Typography } from "antd";
import { Link } from "react-router-dom";
import type { Reason, RiskRecord } from "../backend";

/** Where a record a warning points at opens in the desk (others are on the dispute's page). */
function target(r: RiskRecord): string | null {
  if (r.post_name) return null;
  if (r.table === "dispute") return `/disputes/${r.id}`;
  if (r.table === "incident") return `/incidents?incident=${r.id}`;
  return null;
}

/** The reasons of a warning as the core gives them, weightiest first, each with the records
 * behind it (`here`: the dispute on screen, not linked to itself). */
export function RiskReasons({ reasons, limit, here }: { reasons: Reason[]; limit?: number; here?: string }) {
  const shown = limit === undefined ? reasons : reasons.slice(0, limit);
  return (
    <List
      size="small"
      split={false}
      dataSource={shown}
      data-testid="risk-reasons"
      renderItem={(r) => (
        <List.Item style={{ padding: "2px 0", display: "block" }} data-signal={r.signal}>
          <Space size={4} wrap>
            <Tag>{r.signal_label}</Tag>
            <Typography.Text>{r.text}</Typography.Text>
            {r.records
              .filter((rec) => !(rec.table === "dispute" && rec.id === here))
              .map((rec) => {
                const to = target(rec);
                const label = rec.post_name ? `${rec.post_name}：${rec.label}` : rec.label;
                return to ? (
                  <Link key={`${rec.table}-${rec.id}`} to={to} onClick={(e) => e.stopPropagation()}>
                    {label}
                  </Link>
                ) : (
                  <Typography.Text key={`${rec.table}-${rec.id}`} type="secondary">
                    {label}
                  </Typography.Text>
                );
              })}
          </Space>
        </List.Item>
      )}
    />
  );
}
