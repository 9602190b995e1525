import { useCallback, useState } from "react";
import { Alert, Button, Card, Input, Modal, Select, Space, Table } from "antd";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend } from "../../backend";
import type { DisputeFilter, DisputeKind, DisputePage, DisputeStatus, Track } from "../../backend";
import { DisputeKindLabel, DisputeStatusLabel, TrackLabel } from "../../backend/types";
import { DisputeIntake } from "./DisputeIntake";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";

const PAGE_SIZE = 15;

/** 矛盾纠纷: the list, filtered by status, kind and name, and intake. */
export function DisputesScreen() {
  const navigate = useNavigate();
  const [filter, setFilter] = useState<DisputeFilter>({ page: 1, page_size: PAGE_SIZE });
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
        <Input.Search allowClear placeholder="纠纷名称或当事人" style={{ width: 260 }} onSearch={(v) => set({ text: v.trim() || null })} />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={page?.items ?? []}
        onRow={(d) => ({ onClick: () => navigate(`/disputes/${d.id}`), style: { cursor: "pointer" } })}
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
