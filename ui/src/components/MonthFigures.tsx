import { useMemo } from "react";
import { Col, Descriptions, Row, Statistic, Typography } from "antd";
import type { MonthStats } from "../backend";
import { Chart } from "./Chart";
import { barFigure, countAxis, GRID_TOP_WITH_LEGEND, legendAbove } from "./chartOptions";
import { yuan } from "./money";

const pct = (r: number | null | undefined) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);

/** A figure a reader may open (the county console lists the records behind it). */
export type FigureKey =
  | "received"
  | "mediated"
  | "settled"
  | "failed"
  | "agreements_people"
  | "agreements_security"
  | "agreements_oral"
  | "follow_ups_due"
  | "follow_ups_done"
  | "follow_ups_overdue"
  | "errands_accepted"
  | "errands_done"
  | "errands_overdue"
  | "incidents"
  | "visits";

/**
 * A month's statistics as the core computes them (`stats.month` at a post, `hq.stats` at
 * the county): the main figures, disputes by category, amounts, agreements, follow-ups,
 * errands and incidents. With `onFigure`, each count is a link to the records behind it.
 */
export function MonthFigures({ stats: s, onFigure }: { stats: MonthStats; onFigure?: (f: FigureKey) => void }) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" as const },
      legend: { ...legendAbove, data: ["受理", "调解", "调解成功"] },
      grid: { left: 40, right: 16, top: GRID_TOP_WITH_LEGEND, bottom: 56 },
      xAxis: { type: "category" as const, axisLabel: { interval: 0, rotate: 30 }, data: s.by_kind.map((k) => k.name) },
      yAxis: countAxis(),
      series: [
        { name: "受理", type: "bar" as const, label: barFigure, data: s.by_kind.map((k) => k.figures.received) },
        { name: "调解", type: "bar" as const, label: barFigure, data: s.by_kind.map((k) => k.figures.mediated) },
        { name: "调解成功", type: "bar" as const, label: barFigure, data: s.by_kind.map((k) => k.figures.settled) },
      ],
    }),
    [s],
  );
  // A count, as a link when its records can be opened.
  const n = (value: number, f: FigureKey) =>
    onFigure && value > 0 ? (
      <Typography.Link onClick={() => onFigure(f)} data-testid={`figure-${f}`}>
        {value}
      </Typography.Link>
    ) : (
      <span data-testid={`figure-${f}`}>{value}</span>
    );
  const stat = (title: string, value: number, f: FigureKey, suffix: string) => (
    <Statistic title={title} valueRender={() => n(value, f)} value={value} suffix={suffix} />
  );
  return (
    <>
      <Row gutter={[16, 12]} data-testid="stats-figures">
        <Col span={4}>{stat("受理纠纷", s.disputes.received, "received", "件")}</Col>
        <Col span={4}>{stat("调解", s.disputes.mediated, "mediated", "件")}</Col>
        <Col span={4}>{stat("调解成功", s.disputes.settled, "settled", "件")}</Col>
        <Col span={4}>
          <Statistic title="成功率" value={pct(s.disputes.success_rate)} />
        </Col>
        <Col span={4}>{stat("警情", s.incidents_total, "incidents", "起")}</Col>
        <Col span={4}>{stat("走访", s.visits, "visits", "户次")}</Col>
      </Row>
      <Row gutter={16} style={{ marginTop: 12 }}>
        <Col span={15}>
          {s.by_kind.length > 0 ? <Chart option={option} height={260} /> : <Typography.Text type="secondary">本月没有纠纷数据</Typography.Text>}
        </Col>
        <Col span={9}>
          <Descriptions size="small" column={1} bordered styles={{ label: { whiteSpace: "nowrap" } }}>
            <Descriptions.Item label="涉及金额">
              受理 {yuan(s.disputes.amount_received)}，调成 {yuan(s.disputes.amount_settled)}
            </Descriptions.Item>
            <Descriptions.Item label="生效协议">
              人民调解 {n(s.agreements.people, "agreements_people")}，治安调解 {n(s.agreements.security, "agreements_security")}，口头{" "}
              {n(s.agreements.oral, "agreements_oral")}
            </Descriptions.Item>
            <Descriptions.Item label="回访">
              应回访 {n(s.follow_ups.due, "follow_ups_due")}，已回访 {n(s.follow_ups.done, "follow_ups_done")}，逾期{" "}
              {n(s.follow_ups.overdue, "follow_ups_overdue")}
            </Descriptions.Item>
            <Descriptions.Item label="代办">
              受理 {n(s.errands.accepted, "errands_accepted")}，办结 {n(s.errands.done, "errands_done")}，逾期{" "}
              {n(s.errands.overdue, "errands_overdue")}
            </Descriptions.Item>
            <Descriptions.Item label="警情分类">{s.incidents.map((c) => `${c.name} ${c.count}`).join("，") || "—"}</Descriptions.Item>
          </Descriptions>
        </Col>
      </Row>
    </>
  );
}
