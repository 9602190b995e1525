import { useCallback, useEffect, useState } from "react";
import { Button, Card, InputNumber, Segmented, Select, Space, Table, Tag } from "antd";
import { FileExcelOutlined } from "@ant-design/icons";
import { toBackendError } from "../../backend";
import type { OverdueFilter, OverdueItem, OverdueKind, OverduePage, OverdueSort } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { PAGE_SIZE } from "../paging";
import { PostSelect, RecordLink, StationSelect, usePosts, useStations } from "./common";

const SORTS: { value: OverdueSort; label: string }[] = [
  { value: "most_overdue", label: "逾期最久的在前" },
  { value: "least_overdue", label: "逾期最短的在前" },
  { value: "post", label: "按警务室" },
  { value: "kind", label: "按类别" },
];

/**
 * 督办: every overdue item across the posts the caller may see (agreements not carried out,
 * follow-ups, errands, hazards), with post, village and days overdue; filter, sort, page,
 * export; a click opens the record.
 */
export function OverdueScreen() {
  const stations = useStations();
  const posts = usePosts();
  const [kind, setKind] = useState<OverdueKind | "all">("all");
  const [station, setStation] = useState<string | null>(null);
  const [post, setPost] = useState<string | null>(null);
  const [minDays, setMinDays] = useState<number | null>(null);
  const [sort, setSort] = useState<OverdueSort>("most_overdue");
  const [page, setPage] = useState(1);
  const [data, setData] = useState<OverduePage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);

  const filter: OverdueFilter = {
    kind: kind === "all" ? null : kind,
    station_id: station,
    post_id: post,
    min_days: minDays,
    sort,
  };
  const key = JSON.stringify(filter);
  const load = useCallback(() => {
    setLoading(true);
    hq.overdue({ ...(JSON.parse(key) as OverdueFilter), page, page_size: PAGE_SIZE })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [key, page]);
  useEffect(load, [load]);
  // A new filter starts at its first page.
  useEffect(() => setPage(1), [key]);

  const exportList = async () => {
    setExporting(true);
    try {
      await hq.overdueExport(filter, `督办清单-${new Date().toISOString().slice(0, 10)}.xlsx`);
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setExporting(false);
    }
  };

  const counts = new Map(data?.counts ?? []);
  const all = [...counts.values()].reduce((a, b) => a + b, 0);
  const labels: Record<OverdueKind, string> = {
    fulfilment: "协议逾期未履行",
    follow_up: "到期未回访",
    errand: "代办逾期",
    hazard: "隐患逾期未整改",
  };
  return (
    <Card
      size="small"
      title="督办：逾期事项"
      extra={
        <Button icon={<FileExcelOutlined />} loading={exporting} onClick={() => void exportList()} data-testid="overdue-export">
          导出 Excel
        </Button>
      }
    >
      <Space direction="vertical" size={12} style={{ width: "100%" }}>
        <Segmented<OverdueKind | "all">
          value={kind}
          onChange={setKind}
          data-testid="overdue-kind"
          options={[
            { value: "all", label: `全部 ${all}` },
            ...(Object.keys(labels) as OverdueKind[]).map((k) => ({ value: k, label: `${labels[k]} ${counts.get(k) ?? 0}` })),
          ]}
        />
        <Space wrap>
          <StationSelect stations={stations} value={station} onChange={setStation} />
          <PostSelect posts={posts} value={post} onChange={setPost} />
          <InputNumber min={0} placeholder="至少逾期天数" value={minDays} onChange={(v) => setMinDays(v ?? null)} style={{ width: 140 }} data-testid="overdue-min-days" />
          <Select value={sort} onChange={setSort} options={SORTS} style={{ width: 160 }} data-testid="overdue-sort" />
        </Space>
        <ErrorLine error={error} />
        <div data-testid="overdue-list">
          <Table<OverdueItem>
            rowKey={(r) => `${r.kind}:${r.item_id}`}
            size="small"
            loading={loading}
            dataSource={data?.page.items ?? []}
            pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.page.total ?? 0, showTotal: (n) => `共 ${n} 项`, onChange: setPage }}
            columns={[
              { title: "类别", dataIndex: "kind_label", width: 140 },
              { title: "事项", dataIndex: "title", render: (t: string, r) => <RecordLink table={r.table} id={r.id}>{t}</RecordLink> },
              { title: "警务室", dataIndex: "post_name", render: (v) => v ?? "—" },
              { title: "村（社区）", dataIndex: "village_name", render: (v) => v ?? "—" },
              { title: "期限", dataIndex: "due_on", width: 110 },
              {
                title: "逾期",
                dataIndex: "days_overdue",
                width: 100,
                align: "right",
                render: (d: number) => <Tag color={d >= 30 ? "red" : d >= 7 ? "orange" : "gold"}>{d === 0 ? "今天到期" : `${d} 天`}</Tag>,
              },
            ]}
          />
        </div>
      </Space>
    </Card>
  );
}
