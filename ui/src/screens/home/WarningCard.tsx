import { useEffect, useState } from "react";
import { Alert, Card, Empty, List, Space, Typography } from "antd";
import { useNavigate } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { WarningList } from "../../backend";
import { RiskLevelTag } from "../../components/RiskLevelTag";
import { RiskReasons } from "../../components/RiskReasons";

/** How many warnings the card lists (the disputes list shows them all, by level). */
const SHOWN = 20;

/** 风险预警 on 首页: the open disputes at risk, the highest first, each with its reasons; one click to the case. */
export function WarningCard() {
  const navigate = useNavigate();
  const [list, setList] = useState<WarningList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend.warning.list({ limit: SHOWN }).then(setList, (e) => setError(toBackendError(e).message));
  }, []);
  const c = list?.counts;
  const total = c ? c.red + c.orange + c.yellow : 0;
  return (
    <Card
      size="small"
      title={c ? `风险预警（红色 ${c.red} · 橙色 ${c.orange} · 黄色 ${c.yellow}）` : "风险预警"}
      extra={total > SHOWN && <a onClick={() => navigate("/disputes?sort=risk")}>全部 {total} 件</a>}
      styles={{ body: { maxHeight: 320, overflowY: "auto" } }}
      data-testid="warning-card"
    >
      {error && <Alert type="error" showIcon message={error} />}
      {list && list.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={`${list.judged} 件在办纠纷均无预警`} />
      ) : (
        <List
          size="small"
          dataSource={list?.items ?? []}
          renderItem={(w) => (
            <List.Item
              onClick={() => navigate(`/disputes/${w.dispute_id}`)}
              style={{ cursor: "pointer", display: "block" }}
              data-testid="warning-item"
            >
              <Space>
                <RiskLevelTag level={w.risk.level} label={w.risk.level_label} />
                <Typography.Text strong>{w.title}</Typography.Text>
                <Typography.Text type="secondary">
                  {w.status_label} · {w.received_on}受理
                </Typography.Text>
              </Space>
              <RiskReasons reasons={w.risk.reasons} limit={3} here={w.dispute_id} />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
