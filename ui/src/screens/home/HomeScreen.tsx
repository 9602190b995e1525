import { useEffect, useMemo, useState } from "react";
import { Alert, Card, Col, Empty, Input, List, Row, Statistic, Tag, Typography } from "antd";
import { SearchOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import type { EChartsOption } from "echarts";
import { backend, toBackendError } from "../../backend";
import type { Board, DisputeStatus, Errand, FollowUpDue, OverdueFulfilment, PreventionMonth } from "../../backend";
import { DisputeStatusLabel } from "../../backend/types";
import { Chart } from "../../components/Chart";
import { barFigure, countAxis, pairedLineFigures } from "../../components/chartOptions";
import { usePost } from "../../components/PostContext";
import { beijingNow } from "../../components/time";
import { WarningCard } from "./WarningCard";
import { DayPlanCard } from "./DayPlanCard";
import { CalendarWarning } from "./CalendarWarning";

type MonthCount = { month: string; incidents: number; disputes: number };

/** The stages of a dispute still open, in the order the work goes. */
const OPEN_STAGES: DisputeStatus[] = ["registered", "mediating", "agreed", "fulfilling", "defaulted"];

/** 首页: 今日工作 first (what to do today, by village and 组), then what needs doing, and this month in figures. */
export function HomeScreen({ onSearch }: { onSearch: () => void }) {
  const { post } = usePost();
  const navigate = useNavigate();
  const [overdue, setOverdue] = useState<Errand[] | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [month, setMonth] = useState<PreventionMonth | null>(null);
  const [trend, setTrend] = useState<MonthCount[]>([]);
  const [pendingIncidents, setPendingIncidents] = useState<number | null>(null);
  const [followUps, setFollowUps] = useState<FollowUpDue[] | null>(null);
  const [unfulfilled, setUnfulfilled] = useState<OverdueFulfilment[] | null>(null);
  const [stages, setStages] = useState<{ status: DisputeStatus; count: number }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const today = beijingNow();

  useEffect(() => {
    const fail = (e: unknown) => setError(toBackendError(e).message);
    backend.errand.overdue(50).then(setOverdue, fail);
    backend.followup.due().then(setFollowUps, fail);
    backend.dispute.overdueFulfilments().then(setUnfulfilled, fail);
    Promise.all(OPEN_STAGES.map((status) => backend.dispute.list({ status, page_size: 1 }).then((p) => ({ status, count: p.total })))).then(
      setStages,
      fail,
    );
    backend.errand.board(1).then(setBoard, fail);
    backend.prevention.month(today.format("YYYY-MM")).then(setMonth, fail);
    backend.incident.list({ disposition: "pending", page_size: 1 }).then((p) => setPendingIncidents(p.total), fail);
    const months = Array.from({ length: 6 }, (_, i) => today.subtract(5 - i, "month"));
    Promise.all(
      months.map(async (m) => {
        const from = m.startOf("month").format("YYYY-MM-DD");
        const to = m.endOf("month").format("YYYY-MM-DD");
        const [i, d] = await Promise.all([
          backend.incident.list({ from, to, page_size: 1 }),
          backend.dispute.list({ received_from: from, received_to: to, page_size: 1 }),
        ]);
        return { month: m.format("M月"), incidents: i.total, disputes: d.total };
      }),
    ).then(setTrend, fail);
    // Load once per visit of the home screen.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const monthChart: EChartsOption | null = useMemo(() => {
    if (!month) return null;
    const figures: [string, number][] = [
      ["巡逻", month.patrols],
      ["发现", month.findings],
      ["线索", month.leads_received],
      ["隐患", month.hazards_found],
      ["销号", month.hazards_closed],
      ["宣传", month.outreach_sessions],
      ["意见", month.feedback_received],
    ];
    return {
      grid: { left: 32, right: 8, top: 24, bottom: 24 },
      tooltip: {},
      xAxis: { type: "category", data: figures.map((f) => f[0]), axisLabel: { interval: 0, fontSize: 10 } },
      yAxis: countAxis(),
      series: [{ type: "bar", data: figures.map((f) => f[1]), itemStyle: { color: "#1f4e99" }, label: barFigure }],
    };
  }, [month]);

  const trendChart: EChartsOption = useMemo(() => {
    const [incidents, disputes] = pairedLineFigures(
      trend.map((t) => t.incidents),
      trend.map((t) => t.disputes),
    );
    return {
      grid: { left: 32, right: 8, top: 28, bottom: 24 },
      tooltip: {},
      legend: { top: 0 },
      xAxis: { type: "category", data: trend.map((t) => t.month) },
      yAxis: countAxis(),
      series: [
        { name: "警情", type: "line", data: incidents },
        { name: "受理纠纷", type: "line", data: disputes },
      ],
    };
  }, [trend]);

  const stageChart: EChartsOption = useMemo(
    () => ({
      grid: { left: 32, right: 8, top: 28, bottom: 24 },
      tooltip: {},
      xAxis: { type: "category", data: stages.map((s) => DisputeStatusLabel[s.status]), axisLabel: { interval: 0, fontSize: 10 } },
      yAxis: countAxis(),
      series: [{ type: "bar", data: stages.map((s) => s.count), itemStyle: { color: "#d4380d" }, label: barFigure }],
    }),
    [stages],
  );

  const open = board?.columns.filter((c) => c.status === "accepted" || c.status === "in_progress").reduce((n, c) => n + c.count, 0);

  return (
    <div data-testid="home">
      <div style={{ marginBottom: 16 }}>
        <DayPlanCard />
      </div>
      <Card style={{ marginBottom: 16 }}>
        <Row align="middle" gutter={24}>
          <Col flex="auto">
            <Typography.Title level={4} style={{ margin: 0 }}>
              {post.name}
            </Typography.Title>
            <Typography.Text type="secondary">今天是 {today.format("YYYY年M月D日 dddd")}</Typography.Text>
          </Col>
          <Col flex="420px">
            <Input
              size="large"
              readOnly
              prefix={<SearchOutlined />}
              placeholder="查找人员：姓名、身份证号、电话（Ctrl+K 或 /）"
              onClick={onSearch}
              onFocus={onSearch}
              data-testid="home-search"
            />
          </Col>
        </Row>
      </Card>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <CalendarWarning />
      <div style={{ marginBottom: 16 }}>
        <WarningCard />
      </div>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => navigate("/disputes")}>
            <Statistic title="在办纠纷" value={stages.length ? stages.reduce((n, s) => n + s.count, 0) : "—"} suffix="件" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => navigate("/errands")}>
            <Statistic title="在办代办" value={open ?? "—"} suffix="件" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => navigate("/errands")}>
            <Statistic title="逾期代办" value={board?.overdue ?? "—"} suffix="件" valueStyle={{ color: board?.overdue ? "#cf1322" : undefined }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" hoverable onClick={() => navigate("/incidents")}>
            <Statistic title="处置中警情" value={pendingIncidents ?? "—"} suffix="起" />
          </Card>
        </Col>
      </Row>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card size="small" title={`到期回访（${followUps?.length ?? 0}）`} styles={{ body: { height: 176, overflowY: "auto" } }} data-testid="followups-due">
            {followUps && followUps.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="今天没有到期的回访" />
            ) : (
              <List
                size="small"
                dataSource={followUps ?? []}
                renderItem={(f) => (
                  <List.Item onClick={() => navigate(`/disputes/${f.dispute_id}`)} style={{ cursor: "pointer" }}>
                    <Typography.Text ellipsis style={{ maxWidth: 230 }}>
                      {f.title}
                    </Typography.Text>
                    {f.days_overdue > 0 ? <Tag color="red">逾期 {f.days_overdue} 天</Tag> : <Tag color="orange">今天</Tag>}
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={`逾期未履行协议（${unfulfilled?.length ?? 0}）`} styles={{ body: { height: 176, overflowY: "auto" } }}>
            {unfulfilled && unfulfilled.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有逾期未履行的协议" />
            ) : (
              <List
                size="small"
                dataSource={unfulfilled ?? []}
                renderItem={(f) => (
                  <List.Item onClick={() => navigate(`/disputes/${f.dispute_id}`)} style={{ cursor: "pointer" }}>
                    <Typography.Text ellipsis style={{ maxWidth: 230 }}>
                      {f.title}
                    </Typography.Text>
                    <Tag color="red">逾期 {f.days_overdue} 天</Tag>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={`逾期代办（${board?.overdue ?? overdue?.length ?? 0}）`} styles={{ body: { height: 176, overflowY: "auto" } }}>
            {overdue && overdue.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有逾期代办" />
            ) : (
              <List
                size="small"
                dataSource={overdue ?? []}
                renderItem={(e) => (
                  <List.Item onClick={() => navigate("/errands")} style={{ cursor: "pointer" }}>
                    <span>
                      {e.applicant_name} · {e.service_item_name}
                    </span>
                    <Tag color="red">逾期 {e.days_overdue} 天</Tag>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>
          <Card size="small" title="在办纠纷（按阶段）">
            <Chart option={stageChart} height={176} />
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title={`${today.format("M")}月群防群治`}>
            {monthChart ? <Chart option={monthChart} height={176} /> : null}
          </Card>
        </Col>
        <Col span={8}>
          <Card size="small" title="近六个月警情与纠纷">
            <Chart option={trendChart} height={176} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
