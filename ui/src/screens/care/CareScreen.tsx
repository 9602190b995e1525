import { useCallback, useState } from "react";
import { Alert, Button, Card, Modal, Select, Space, Switch, Table, Tag, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { useNavigate } from "react-router-dom";
import { backend } from "../../backend";
import type { CarePlan, CarePlanPage } from "../../backend";
import { useVillages, villageOptions } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { LedgerExportButton } from "../../components/FileActions";
import { CareForm, useCareDefaults } from "./CareForm";

/** When a plan's next visit falls, as a tag: late in red, due today in orange. */
export function DueTag({ plan }: { plan: CarePlan }) {
  if (plan.ended_on) return <Tag>已结束</Tag>;
  if (plan.days_late > 0) return <Tag color="red">逾期 {plan.days_late} 天</Tag>;
  if (plan.next_due) return <Tag color={plan.next_due <= new Date().toISOString().slice(0, 10) ? "orange" : undefined}>{plan.next_due}</Tag>;
  return null;
}

/**
 * 结对帮扶: the people under care, by village and tag, with the overdue ones on their own
 * (逾期未走访), each opening its plan; 制定帮扶计划 for a resident.
 */
export function CareScreen() {
  const navigate = useNavigate();
  const villages = useVillages();
  const tags = useCareDefaults().data;
  const [villageId, setVillageId] = useState<string | null>(null);
  const [tag, setTag] = useState<string | null>(null);
  const [dueOnly, setDueOnly] = useState(false);
  const [ended, setEnded] = useState(false);
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const { data, loading, error } = useLoad(
    useCallback(
      () => backend.care.list({ village_id: villageId, tag, due_only: dueOnly, include_ended: ended, page, page_size: 20 }),
      [villageId, tag, dueOnly, ended, page],
    ),
    null as CarePlanPage | null,
  );
  const filtered = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPage(1);
  };

  return (
    <Card
      title="结对帮扶"
      data-testid="care-screen"
      extra={
        <Space>
          <LedgerExportButton kind="care" />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="care-new">
            制定帮扶计划
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder="村（社区）" style={{ width: 160 }} options={villageOptions(villages)} value={villageId} onChange={filtered(setVillageId)} />
        <Select
          allowClear
          placeholder="帮扶类别"
          style={{ width: 160 }}
          options={tags.map((t) => ({ value: t.tag, label: t.label }))}
          value={tag}
          onChange={filtered(setTag)}
        />
        <span>
          <Switch checked={dueOnly} onChange={filtered(setDueOnly)} data-testid="care-due-only" /> 只看到期、逾期未走访
        </span>
        <span>
          <Switch checked={ended} onChange={filtered(setEnded)} /> 含已结束
        </span>
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Table<CarePlan>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        onRow={(p) => ({ onClick: () => navigate(`/care/${p.id}`), style: { cursor: "pointer" }, "data-testid": "care-row" }) as never}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showTotal: (n) => `共 ${n} 人（户）` }}
        columns={[
          { title: "帮扶对象", dataIndex: "name", render: (n: string | null) => <Typography.Text strong>{n ?? "（户）"}</Typography.Text> },
          { title: "类别", dataIndex: "tag_label", width: 100 },
          { title: "村（社区）/组", width: 150, render: (_, p) => [p.village_name, p.group_name].filter(Boolean).join(" ") },
          { title: "结对", width: 150, render: (_, p) => [p.officer_name, p.volunteer_name].filter(Boolean).join("、") },
          { title: "周期", dataIndex: "interval_days", width: 80, render: (d: number) => `${d} 天` },
          { title: "最近走访", dataIndex: "last_visit", width: 110, render: (d: string | null) => d ?? "尚未走访" },
          { title: "下次走访", width: 120, render: (_, p) => <DueTag plan={p} /> },
          { title: "待帮扶", dataIndex: "open_needs", width: 80, render: (n: number) => (n > 0 ? <Tag color="gold">{n} 项</Tag> : null) },
        ]}
      />
      <Modal open={creating} title="制定结对帮扶计划" footer={null} onCancel={() => setCreating(false)} destroyOnHidden width={720}>
        <CareForm
          onSaved={(p) => {
            setCreating(false);
            navigate(`/care/${p.id}`);
          }}
        />
      </Modal>
    </Card>
  );
}
