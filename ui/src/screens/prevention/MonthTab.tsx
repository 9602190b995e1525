import { useCallback, useMemo, useState } from "react";
import { Alert, Card, Col, Row, Space, Statistic } from "antd";
import { backend } from "../../backend";
import type { PreventionMonth } from "../../backend";
import { Chart } from "../../components/Chart";
import { barFigure, countAxis } from "../../components/chartOptions";
import { MonthField, thisMonth } from "../../components/DateField";
import { useLoad } from "../../components/useLoad";
import { yuan } from "../../components/money";

/** 月报: the month's prevention figures, with a chart. */
export function MonthTab() {
  const [month, setMonth] = useState(thisMonth());
  const fig = useLoad(useCallback(() => backend.prevention.month(month), [month]), null as PreventionMonth | null);
  const m = fig.data;
  const option = useMemo(
    () =>
      m && {
        tooltip: {},
        grid: { left: 40, right: 16, top: 28, bottom: 48 },
        xAxis: {
          type: "category" as const,
          axisLabel: { interval: 0, rotate: 30 },
          data: ["巡逻次数", "巡逻发现", "接收线索", "转化线索", "发现隐患", "销号隐患", "逾期隐患", "宣传场次", "收到意见", "答复意见"],
        },
        yAxis: countAxis(),
        series: [
          {
            type: "bar" as const,
            data: [m.patrols, m.findings, m.leads_received, m.leads_converted, m.hazards_found, m.hazards_closed, m.hazards_overdue, m.outreach_sessions, m.feedback_received, m.feedback_answered],
            itemStyle: { color: "#1f4e99" },
            label: barFigure,
          },
        ],
      },
    [m],
  );
  return (
    <Card
      size="small"
      title={
        <Space>
          群防群治月报
          <MonthField value={month} onChange={setMonth} data-testid="prevention-month" />
        </Space>
      }
    >
      {fig.error && <Alert type="error" showIcon message={fig.error} />}
      {m && (
        <>
          <Row gutter={[16, 12]} data-testid="prevention-figures">
            <Col span={4}>
              <Statistic title="在队队员" value={m.active_volunteers} suffix="人" />
            </Col>
            <Col span={4}>
              <Statistic title="巡逻" value={m.patrols} suffix="次" />
            </Col>
            <Col span={4}>
              <Statistic title="巡逻时长" value={m.patrol_hours} precision={1} suffix="小时" />
            </Col>
            <Col span={4}>
              <Statistic title="发现隐患" value={m.hazards_found} suffix="处" />
            </Col>
            <Col span={4}>
              <Statistic title="逾期未整改（月末）" value={m.hazards_overdue} suffix="处" valueStyle={m.hazards_overdue > 0 ? { color: "#cf1322" } : undefined} />
            </Col>
            <Col span={4}>
              <Statistic title="发放奖励" value={yuan(m.rewards_fen)} />
            </Col>
            <Col span={4}>
              <Statistic title="宣传受众" value={m.outreach_audience} suffix="人" />
            </Col>
            <Col span={4}>
              <Statistic title="注册反诈APP" value={m.app_registrations} suffix="人" />
            </Col>
          </Row>
          {option && <Chart option={option} height={280} />}
        </>
      )}
    </Card>
  );
}
