import { useCallback, useState } from "react";
import { Alert, Button, Card, Input, Modal, Select, Space, Table } from "antd";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate, useSearchParams } from "react-router-dom";
import { backend } from "../../backend";
import type { DisputeFilter, DisputeKind, DisputePage, DisputeRow, DisputeStatus, RiskLevel, Track } from "../../backend";
import { DisputeKindLabel, DisputeStatusLabel, RiskLevelLabel, TrackLabel } from "../../backend/types";
import { RiskLevelTag } from "../../components/RiskLevelTag";
import { DisputeIntake } from "./DisputeIntake";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";

const PAGE_SIZE = 15;

/** 矛盾纠纷: the list, filtered by status, kind, name and warning level, sorted by intake or
 * by warning (the levels are the core's, computed as it answers), and intake. */
export function DisputesScreen() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [filter, setFilter] = useState<DisputeFilter>({
    page: 1,
    page_size: PAGE_SIZE,
    sort: params.get("sort") === "risk" ? "risk" : null,
  });
  const { data: page, loading, error } = useLoad(useCallback(() => backend.dispute.list(filter), [filter]), null as DisputePage | null);
  const [creating, setCreating] = useState(false);
  const set = (changes: Partial<DisputeFilter>) => setFilter((f) => ({ ...f, ...changes, page: 1 }));

  return (
    <Card
      title="矛盾纠纷"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-dispute">
          受理纠纷
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder="状态" style={{ width: 140 }} options={options(DisputeStatusLabel)} onChange={(v?: DisputeStatus) => set({ status: v })} data-testid="filter-status" />
        <Select allowClear placeholder="调解类型" style={{ width: 120 }} options={options(TrackLabel)} onChange={(v?: Track) => set({ track: v })} data-testid="filter-track" />
        <Select allowClear placeholder="纠纷类型" style={{ width: 180 }} options={options(DisputeKindLabel)} onChange={(v?: DisputeKind) => set({ kind: v })} />
        <Select
          allowClear
          placeholder="预警等级"
          style={{ width: 140 }}
          options={options(RiskLevelLabel)}
          onChange={(v?: RiskLevel) => set({ level: v ?? null })}
          data-testid="filter-level"
        />
        <Input.Search allowClear placeholder="纠纷名称或当事人" style={{ width: 260 }} onSearch={(v) => set({ text: v.trim() || null })} />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={page?.items ?? []}
        onRow={(d) => ({ onClick: () => navigate(`/disputes/${d.id}`), style: { cursor: "pointer" } })}
        onChange={(_p, _f, sorter, extra) => {
          if (extra.action !== "sort") return;
          const order = Array.isArray(sorter) ? sorter[0]?.order : sorter.order;
          set({ sort: order ? "risk" : null });
        }}
        pagination={{
          current: page?.page ?? 1,
          pageSize: PAGE_SIZE,
          total: page?.total ?? 0,
          showSizeChanger: false,
          showTotal: (t) => `共 ${t} 件`,
          onChange: (p) => setFilter((f) => ({ ...f, page: p })),
        }}
        columns={[
          { title: "受理日期", dataIndex: "received_on", width: 110 },
          { title: "纠纷名称", dataIndex: "title", ellipsis: true },
          { title: "类型", dataIndex: "kind", width: 120, render: (k) => DisputeKindLabel[k as DisputeKind] },
          { title: "调解类型", dataIndex: "track", width: 90, render: (t) => TrackLabel[t as "people"] },
          { title: "当事人", dataIndex: "party_names", width: 160, ellipsis: true },
          { title: "村", dataIndex: "village_name", width: 90 },
          { title: "状态", dataIndex: "status_label", width: 110, render: (l, d) => <DisputeStatusTag status={d.status} label={l} /> },
          {
            title: "预警",
            dataIndex: "risk_level",
            key: "risk",
            width: 100,
            sorter: true,
            sortDirections: ["descend"],
            sortOrder: filter.sort === "risk" ? "descend" : null,
            showSorterTooltip: { title: "按预警等级排序（红色在前）" },
            render: (l: RiskLevel | null, d: DisputeRow) => <RiskLevelTag level={l} label={d.risk_level_label} />,
          },
        ]}
      />
      <Modal open={creating} title="受理矛盾纠纷" footer={null} width={960} onCancel={() => setCreating(false)} destroyOnHidden>
        <DisputeIntake
          onSaved={(d) => {
            setCreating(false);
            navigate(`/disputes/${d.id}`);
          }}
        />
      </Modal>
    </Card>
  );
}
