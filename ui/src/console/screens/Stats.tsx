import { useCallback, useEffect, useMemo, useState } from "react";
import { Button, Card, Drawer, Space, Table, Tabs, Tag, Typography } from "antd";
import { FileExcelOutlined, FilePdfOutlined } from "@ant-design/icons";
import { toBackendError } from "../../backend";
import type { Breakdown, CountyStats, PostFigures, RecordRef, VillageFigures } from "../../backend/types";
import { Chart } from "../../components/Chart";
import { countAxis, GRID_TOP_WITH_LEGEND, legendAbove } from "../../components/chartOptions";
import { MonthField, thisMonth } from "../../components/DateField";
import { MonthFigures, type FigureKey } from "../../components/MonthFigures";
import { useLoad } from "../../components/useLoad";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { seesRecords, useSession } from "../role";
import { PostSelect, RecordLink, StationSelect, usePosts, useStations, when } from "./common";

const FIGURE_LABEL: Record<FigureKey, string> = {
  received: "受理的纠纷",
  mediated: "调解的纠纷",
  settled: "调解成功的纠纷",
  failed: "调解不成的纠纷",
  agreements_people: "人民调解协议",
  agreements_security: "治安调解协议",
  agreements_oral: "口头协议",
  follow_ups_due: "应回访",
  follow_ups_done: "已回访",
  follow_ups_overdue: "逾期未回访",
  errands_accepted: "受理的代办",
  errands_done: "办结的代办",
  errands_overdue: "逾期的代办",
  incidents: "警情",
  visits: "走访的住户",
};

/** The main figures of a share of the county, as table columns. */
const shareColumns = <T extends { figures: Breakdown }>() => [
  { title: "受理", render: (_: unknown, r: T) => r.figures.disputes.received, align: "right" as const },
  { title: "调解", render: (_: unknown, r: T) => r.figures.disputes.mediated, align: "right" as const },
  { title: "调解成功", render: (_: unknown, r: T) => r.figures.disputes.settled, align: "right" as const },
  { title: "协议", render: (_: unknown, r: T) => r.figures.agreements.people + r.figures.agreements.security + r.figures.agreements.oral, align: "right" as const },
  { title: "逾期回访", render: (_: unknown, r: T) => r.figures.follow_ups.overdue, align: "right" as const },
  { title: "代办", render: (_: unknown, r: T) => r.figures.errands.accepted, align: "right" as const },
  { title: "警情", render: (_: unknown, r: T) => r.figures.incidents, align: "right" as const },
  { title: "走访", render: (_: unknown, r: T) => r.figures.visits, align: "right" as const },
];

/** How soon figures still being made again are asked for again. */
const REFRESH_AGAIN_MS = 1500;

type Opened = { figure: FigureKey; post_id?: string | null; village_id?: string | null; what: string };

/**
 * 统计: the month's statistics over the posts the caller may see (the core's own), by post
 * and by village, the six-month trend; a figure opens the records behind it; xlsx and PDF.
 */
export function StatsScreen() {
  const session = useSession();
  const stations = useStations();
  const posts = usePosts();
  const [month, setMonth] = useState(thisMonth());
  const [station, setStation] = useState<string | null>(null);
  const [post, setPost] = useState<string | null>(null);
  const [opened, setOpened] = useState<Opened | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const stats = useLoad(
    useCallback(() => hq.stats({ month, station_id: station, post_id: post }), [month, station, post]),
    null as CountyStats | null,
  );
  const s = stats.data;
  // Figures HQ is making again after its data changed (the last made, meanwhile): ask again
  // shortly for the new ones.
  const reload = stats.reload;
  useEffect(() => {
    if (!s?.refreshing) return;
    const t = setTimeout(reload, REFRESH_AGAIN_MS);
    return () => clearTimeout(t);
  }, [s, reload]);
  const canOpen = seesRecords(session);
  const open = (figure: FigureKey, where: Partial<Opened> = {}) =>
    setOpened({ figure, what: `${s?.scope ?? ""} ${month} ${FIGURE_LABEL[figure]}`, ...where });

  const run = async (ext: "xlsx" | "pdf") => {
    setExporting(ext);
    setExportError(null);
    try {
      await hq.statsExport({ month, station_id: station, post_id: post }, `县局月度统计-${month}.${ext}`);
    } catch (e) {
      setExportError(toBackendError(e).message);
    } finally {
      setExporting(null);
    }
  };

  const trend = useMemo(
    () =>
      s && {
        tooltip: { trigger: "axis" as const },
        legend: { ...legendAbove, data: ["受理", "调解成功", "警情"] },
        grid: { left: 40, right: 16, top: GRID_TOP_WITH_LEGEND, bottom: 28 },
        xAxis: { type: "category" as const, data: s.trend.map((t) => t.month) },
        yAxis: countAxis(),
        series: [
          { name: "受理", type: "line" as const, data: s.trend.map((t) => t.figures.disputes.received) },
          { name: "调解成功", type: "line" as const, data: s.trend.map((t) => t.figures.disputes.settled) },
          { name: "警情", type: "line" as const, data: s.trend.map((t) => t.figures.incidents) },
        ],
      },
    [s],
  );

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <Card
        size="small"
        title={
          <Space wrap>
            月度统计
            <MonthField value={month} onChange={setMonth} data-testid="stats-month" />
            <StationSelect stations={stations} value={station} onChange={setStation} />
            <PostSelect posts={posts} value={post} onChange={setPost} />
            {s && <Typography.Text type="secondary" data-testid="stats-scope">{s.scope}</Typography.Text>}
            {s && <Typography.Text type="secondary" data-testid="stats-as-of">数据截至 {when(s.as_of)}</Typography.Text>}
            {s?.refreshing && (
              <Tag color="processing" data-testid="stats-refreshing">
                正在按最新数据重新统计
              </Tag>
            )}
          </Space>
        }
        extra={
          <Space>
            <Button icon={<FilePdfOutlined />} loading={exporting === "pdf"} onClick={() => void run("pdf")} data-testid="stats-export-pdf">
              导出 PDF
            </Button>
            <Button icon={<FileExcelOutlined />} loading={exporting === "xlsx"} onClick={() => void run("xlsx")} data-testid="stats-export-xlsx">
              导出 Excel
            </Button>
          </Space>
        }
      >
        <ErrorLine error={stats.error ?? exportError} />
        {s && <MonthFigures stats={s.total} onFigure={canOpen ? (f) => open(f) : undefined} />}
      </Card>
      {s && (
        <Card size="small">
          <Tabs
            items={[
              {
                key: "post",
                label: "按警务室",
                children: (
                  <Table<PostFigures>
                    rowKey={(r) => r.post_id ?? "none"}
                    size="small"
                    dataSource={s.by_post}
                    pagination={{ pageSize: 20, hideOnSinglePage: true }}
                    data-testid="stats-by-post"
                    columns={[
                      {
                        title: "警务室",
                        dataIndex: "name",
                        render: (name: string, r) =>
                          canOpen && r.post_id ? (
                            <Typography.Link onClick={() => open("received", { post_id: r.post_id, what: `${name} ${month} 受理的纠纷` })}>{name}</Typography.Link>
                          ) : (
                            name
                          ),
                      },
                      { title: "派出所", dataIndex: "station_name", render: (v) => v ?? "—" },
                      ...shareColumns<PostFigures>(),
                    ]}
                  />
                ),
              },
              {
                key: "village",
                label: "按村（社区）",
                children: (
                  <Table<VillageFigures>
                    rowKey={(r) => `${r.post_id}:${r.village_id}`}
                    size="small"
                    dataSource={s.by_village}
                    pagination={{ pageSize: 20, hideOnSinglePage: true }}
                    data-testid="stats-by-village"
                    columns={[
                      {
                        title: "村（社区）",
                        dataIndex: "name",
                        render: (name: string, r) =>
                          canOpen && r.village_id ? (
                            <Typography.Link onClick={() => open("received", { village_id: r.village_id, what: `${name} ${month} 受理的纠纷` })}>{name}</Typography.Link>
                          ) : (
                            name
                          ),
                      },
                      { title: "警务室", dataIndex: "post_name", render: (v) => v ?? "—" },
                      ...shareColumns<VillageFigures>(),
                    ]}
                  />
                ),
              },
              { key: "trend", label: "近六个月", children: trend && <Chart option={trend} height={280} /> },
            ]}
          />
        </Card>
      )}
      <Drawer title={opened?.what} width={720} open={!!opened} onClose={() => setOpened(null)} destroyOnHidden>
        {opened && <FigureRecords month={month} station={station} post={post} opened={opened} />}
      </Drawer>
    </Space>
  );
}

/** The records behind one figure (`hq.stats_records`), paged; each opens read-only. */
function FigureRecords({ month, station, post, opened }: { month: string; station: string | null; post: string | null; opened: Opened }) {
  const load = useCallback(
    (page: number, page_size: number) =>
      hq.statsRecords({
        month,
        figure: opened.figure,
        station_id: station,
        post_id: opened.post_id ?? post,
        village_id: opened.village_id ?? null,
        page,
        page_size,
      }),
    [month, station, post, opened],
  );
  const list = usePaged<RecordRef>(load);
  return (
    <>
      <ErrorLine error={list.error} />
      <div data-testid="figure-records">
        <Table<RecordRef>
          rowKey={(r) => `${r.table}:${r.id}`}
          size="small"
          loading={list.loading}
          dataSource={list.items}
          pagination={list.pagination}
          columns={[
            { title: "类别", dataIndex: "kind", width: 100 },
            { title: "事项", dataIndex: "subject", render: (v, r) => <RecordLink table={r.table} id={r.id}>{v ?? "（未命名）"}</RecordLink> },
            { title: "村（社区）", dataIndex: "village_name", render: (v) => v ?? "—" },
            { title: "警务室", dataIndex: "post_name", render: (v) => v ?? "—" },
          ]}
        />
      </div>
    </>
  );
}
