import { useCallback, useEffect, useState } from "react";
import { Card, Segmented, Space, Table, Tag, Typography } from "antd";
import { toBackendError } from "../../backend";
import type {
  CountyWarning,
  CountyWarningCounts,
  CountyWarningPage,
  PostWarningCounts,
  Reason,
  RiskLevel,
} from "../../backend/types";
import { RiskLevelTag } from "../../components/RiskLevelTag";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { PAGE_SIZE } from "../paging";
import { seesRecords, useSession } from "../role";
import { PostSelect, RecordLink, StationSelect, usePosts, useStations } from "./common";

const LEVELS: { value: RiskLevel; label: string }[] = [
  { value: "red", label: "红色" },
  { value: "orange", label: "橙色" },
  { value: "yellow", label: "黄色" },
];

/** Records HQ can open read-only (`hq.record`). */
const OPENS = new Set(["dispute", "incident", "person"]);

/** A warning's reasons, each with the records behind it (another post's named). */
function Reasons({ reasons }: { reasons: Reason[] }) {
  return (
    <Space direction="vertical" size={2} data-testid="warning-reasons">
      {reasons.map((r, i) => (
        <Space key={i} size={4} wrap data-signal={r.signal}>
          <Tag>{r.signal_label}</Tag>
          <Typography.Text>{r.text}</Typography.Text>
          {r.records
            .filter((rec) => rec.post_name && OPENS.has(rec.table))
            .map((rec) => (
              <RecordLink key={`${rec.table}-${rec.id}`} table={rec.table} id={rec.id}>
                {`${rec.post_name}：${rec.label}`}
              </RecordLink>
            ))}
        </Space>
      ))}
    </Space>
  );
}

/** How many at each level, per post: all a viewer is given. */
function CountsTable({ data }: { data: CountyWarningCounts | null }) {
  return (
    <Table<PostWarningCounts>
      rowKey={(r) => r.post_id ?? "none"}
      size="small"
      pagination={false}
      dataSource={data?.by_post ?? []}
      data-testid="warning-counts"
      columns={[
        { title: "警务室", dataIndex: "name" },
        { title: "红色", render: (_, r) => r.counts.red, align: "right" },
        { title: "橙色", render: (_, r) => r.counts.orange, align: "right" },
        { title: "黄色", render: (_, r) => r.counts.yellow, align: "right" },
      ]}
    />
  );
}

/**
 * 预警: the open disputes at risk across the posts the caller may see, highest first, each
 * with its level, reasons (a party's dispute at another post is named: only HQ sees it),
 * post and village; filtered by level, station and post. A viewer sees the counts per post.
 */
export function WarningsScreen() {
  const session = useSession();
  const records = seesRecords(session);
  const stations = useStations();
  const posts = usePosts();
  const [level, setLevel] = useState<RiskLevel | "all">("all");
  const [station, setStation] = useState<string | null>(null);
  const [post, setPost] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<CountyWarningPage | null>(null);
  const [counts, setCounts] = useState<CountyWarningCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const key = JSON.stringify({ level: level === "all" ? null : level, station_id: station, post_id: post });
  const load = useCallback(() => {
    setLoading(true);
    const filter = JSON.parse(key) as { level: RiskLevel | null; station_id: string | null; post_id: string | null };
    const done = records
      ? hq.warnings({ ...filter, page, page_size: PAGE_SIZE }).then(setData)
      : hq.warningCounts({ ...filter, level: null }).then(setCounts);
    done
      .then(() => setError(null))
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [key, page, records]);
  useEffect(load, [load]);
  useEffect(() => setPage(1), [key]);

  const c = data?.counts ?? counts?.total;
  return (
    <Card size="small" title="风险预警">
      <Space direction="vertical" size={12} style={{ width: "100%" }}>
        <Space wrap>
          {records && (
            <Segmented<RiskLevel | "all">
              value={level}
              onChange={setLevel}
              data-testid="warnings-level"
              options={[
                { value: "all", label: `全部 ${c ? c.red + c.orange + c.yellow : 0}` },
                ...LEVELS.map((l) => ({ value: l.value, label: `${l.label} ${c ? c[l.value] : 0}` })),
              ]}
            />
          )}
          {!records && c && (
            <Typography.Text data-testid="warning-totals">
              红色 {c.red}　橙色 {c.orange}　黄色 {c.yellow}
            </Typography.Text>
          )}
          <StationSelect stations={stations} value={station} onChange={setStation} />
          <PostSelect posts={posts} value={post} onChange={setPost} />
        </Space>
        <ErrorLine error={error} />
        {records ? (
          <div data-testid="warnings-list">
            <Table<CountyWarning>
              rowKey="dispute_id"
              size="small"
              loading={loading}
              dataSource={data?.items ?? []}
              pagination={{ current: page, pageSize: PAGE_SIZE, total: data?.total ?? 0, showTotal: (n) => `共 ${n} 件`, onChange: setPage }}
              columns={[
                { title: "等级", width: 100, render: (_, r) => <RiskLevelTag level={r.risk.level} label={r.risk.level_label} /> },
                {
                  title: "纠纷",
                  dataIndex: "title",
                  render: (t: string, r) => (
                    <RecordLink table="dispute" id={r.dispute_id}>
                      {t}
                    </RecordLink>
                  ),
                },
                { title: "警务室", dataIndex: "post_name", render: (v) => v ?? "（未归属）" },
                { title: "村（社区）", dataIndex: "village_name", render: (v) => v ?? "—" },
                { title: "受理", dataIndex: "received_on", width: 110 },
                { title: "状态", dataIndex: "status_label", width: 90 },
                { title: "原因", render: (_, r) => <Reasons reasons={r.risk.reasons} /> },
              ]}
            />
          </div>
        ) : (
          <CountsTable data={counts} />
        )}
      </Space>
    </Card>
  );
}
