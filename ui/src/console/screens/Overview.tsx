import { useCallback, useEffect, useState } from "react";
import { Card, Col, Row, Space, Statistic, Switch, Table, Tag, Typography } from "antd";
import { toBackendError } from "../../backend";
import type { Overview, PostRow } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { PAGE_SIZE } from "../paging";
import { StationSelect, useStations, when } from "./common";

/**
 * 总览: every post the caller may see, with its last sync and days since, what waits for it,
 * conflicts and audit alarms; posts silent for 7 days or more come first, in red.
 */
export function OverviewScreen() {
  const stations = useStations();
  const [station, setStation] = useState<string | null>(null);
  const [silentOnly, setSilentOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(() => {
    setLoading(true);
    hq.overview({ station_id: station, silent_only: silentOnly, page, page_size: PAGE_SIZE })
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e) => setError(toBackendError(e).message))
      .finally(() => setLoading(false));
  }, [station, silentOnly, page]);
  useEffect(load, [load]);
  const t = data?.totals;
  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }}>
      <ErrorLine error={error} />
      <Row gutter={16} data-testid="overview-totals">
        <Col span={5}>
          <Card size="small">
            <Statistic title="警务室" value={t?.posts ?? 0} suffix="个" />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="7 天以上未同步" value={t?.silent ?? 0} suffix="个" valueStyle={t?.silent ? { color: "#cf1322" } : undefined} />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="待送达变更" value={t?.pending ?? 0} suffix="条" />
          </Card>
        </Col>
        <Col span={4}>
          <Card size="small">
            <Statistic title="未处理冲突" value={t?.open_conflicts ?? 0} suffix="条" />
          </Card>
        </Col>
        <Col span={5}>
          <Card size="small">
            <Statistic title="审计告警" value={t?.alarms ?? 0} suffix="条" valueStyle={t?.alarms ? { color: "#cf1322" } : undefined} />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={
          <Space>
            各警务室同步情况
            {data && <Typography.Text type="secondary">（{data.today}）</Typography.Text>}
          </Space>
        }
        extra={
          <Space>
            <StationSelect stations={stations} value={station} onChange={(v) => (setStation(v), setPage(1))} />
            <Switch checked={silentOnly} onChange={(v) => (setSilentOnly(v), setPage(1))} data-testid="silent-only" />
            只看 7 天以上未同步
          </Space>
        }
      >
        <Table<PostRow>
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={data?.posts.items ?? []}
          data-testid="overview-posts"
          rowClassName={(r) => (r.silent ? "row-silent" : "")}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: data?.posts.total ?? 0,
            showTotal: (n) => `共 ${n} 个`,
            onChange: setPage,
          }}
          columns={[
            { title: "警务室", dataIndex: "name" },
            { title: "派出所", dataIndex: "station_name", render: (v) => v ?? "—" },
            { title: "辖区", dataIndex: "villages", render: (v: string[]) => `${v.length} 个村（社区）` },
            { title: "上次同步", dataIndex: "last_sync_at", render: (v) => (v ? when(v) : "从未同步") },
            {
              title: "距今",
              dataIndex: "days_since",
              render: (d: number, r) =>
                r.silent ? <Tag color="red">{d} 天未同步</Tag> : <span>{d === 0 ? "今天" : `${d} 天`}</span>,
            },
            { title: "待送达", dataIndex: "pending", align: "right" },
            { title: "冲突", dataIndex: "open_conflicts", align: "right" },
            { title: "告警", dataIndex: "alarms", align: "right", render: (a: number) => (a ? <Tag color="red">{a}</Tag> : 0) },
          ]}
        />
      </Card>
    </Space>
  );
}
