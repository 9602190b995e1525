import { useCallback, useState } from "react";
import { Alert, Button, Card, Descriptions, Modal, Popconfirm, Select, Space, Table, Tag } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { backend, toBackendError } from "../../backend";
import type { Award, AwardDecision, AwardKind, AwardMonth } from "../../backend";
import { AwardMonthFigures } from "./AwardMonthFigures";
import { AwardDecisionLabel, AwardKindLabel } from "../../backend/types";
import { LedgerExportButton } from "../../components/FileActions";
import { yuan } from "../../components/money";
import { options } from "../../components/options";
import { thisMonth } from "../../components/DateField";
import { useLoad } from "../../components/useLoad";
import { AwardForm, DecideForm, PayForm } from "./AwardForms";

const DECISION_COLOR: Record<AwardDecision, string | undefined> = { pending: "gold", approved: "green", declined: undefined };

/** Where a nomination stands: 待审 / 批准 / 不予批准, and 已发放 once paid. */
export function AwardStatus({ award: a }: { award: Award }) {
  if (a.paid_on) return <Tag color="blue">已发放</Tag>;
  return <Tag color={DECISION_COLOR[a.decision]}>{AwardDecisionLabel[a.decision]}</Tag>;
}

/** The twelve months up to `month` (`YYYY-MM`), newest first. */
export function lastMonths(month: string, n = 12): string[] {
  const [y, m] = month.split("-").map(Number);
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
  });
}

type Editing = { step: "new" } | { step: "edit" | "decide" | "pay"; award: Award } | null;

/**
 * 表彰奖励: the 见义勇为 and 好人 nominations (filters: kind, decision, month nominated),
 * each opening its detail with 审批 and 发放; 登记提名; the ledger; the month's figures
 * beside the 网格红包.
 */
export function AwardsScreen() {
  const [kind, setKind] = useState<AwardKind | null>(null);
  const [decision, setDecision] = useState<AwardDecision | null>(null);
  const [month, setMonth] = useState<string | null>(null);
  const [open, setOpen] = useState<Award | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<string | null>(null);
  const list = useLoad(useCallback(() => backend.award.list({ kind, decision, month }), [kind, decision, month]), [] as Award[]);
  const figuresMonth = month ?? thisMonth();
  const figures = useLoad(useCallback(() => backend.award.month(figuresMonth), [figuresMonth]), null as AwardMonth | null);
  const saved = (a: Award) => {
    setEditing(null);
    setOpen(a);
    list.reload();
    figures.reload();
  };
  const remove = (a: Award) =>
    backend.award.remove(a.id).then(
      () => {
        setOpen(null);
        list.reload();
        figures.reload();
      },
      (e) => setError(toBackendError(e).message),
    );
  const title = editing?.step === "new" ? "登记提名" : editing?.step === "edit" ? "修改提名" : editing?.step === "decide" ? "审批" : "发放奖金";

  return (
    <Card
      title="表彰奖励（见义勇为、好人）"
      data-testid="awards-screen"
      extra={
        <Space>
          <LedgerExportButton kind="awards" month={month} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ step: "new" })} data-testid="award-new">
            登记提名
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder="奖励类别" style={{ width: 140 }} options={options(AwardKindLabel)} value={kind} onChange={(v) => setKind(v ?? null)} data-testid="award-filter-kind" />
        <Select
          allowClear
          placeholder="审批结果"
          style={{ width: 140 }}
          options={options(AwardDecisionLabel)}
          value={decision}
          onChange={(v) => setDecision(v ?? null)}
          data-testid="award-filter-decision"
        />
        <Select
          allowClear
          placeholder="提名月份"
          style={{ width: 140 }}
          options={lastMonths(thisMonth()).map((m) => ({ value: m, label: m }))}
          value={month}
          onChange={(v) => setMonth(v ?? null)}
          data-testid="award-filter-month"
        />
      </Space>
      {(list.error || error) && <Alert type="error" showIcon message={list.error ?? error} style={{ marginBottom: 16 }} />}
      <Table<Award>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data}
        onRow={(a) => ({ onClick: () => setOpen(a), style: { cursor: "pointer" }, "data-testid": "award-row" }) as never}
        pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 人次` }}
        columns={[
          { title: "提名日期", dataIndex: "nominated_on", width: 110 },
          { title: "类别", dataIndex: "kind", width: 90, render: (k: AwardKind) => AwardKindLabel[k] },
          { title: "被提名人", dataIndex: "name", width: 100 },
          { title: "村（社区）", dataIndex: "village_name", width: 110 },
          { title: "事迹", dataIndex: "deed", ellipsis: true },
          { title: "审批", width: 100, render: (_, a) => <AwardStatus award={a} /> },
          { title: "金额", dataIndex: "amount_fen", width: 110, render: (f: number) => (f > 0 ? yuan(f) : "") },
        ]}
      />
      {figures.data && (
        <div style={{ marginTop: 16 }}>
          <AwardMonthFigures m={figures.data} />
        </div>
      )}
      <Modal open={open !== null && editing === null} title="表彰奖励" footer={null} onCancel={() => setOpen(null)} destroyOnHidden width={720}>
        {open && (
          <>
            <Descriptions size="small" column={2} bordered data-testid="award-detail">
              <Descriptions.Item label="类别">{AwardKindLabel[open.kind]}</Descriptions.Item>
              <Descriptions.Item label="被提名人">{open.name}</Descriptions.Item>
              <Descriptions.Item label="村（社区）">{open.village_name}</Descriptions.Item>
              <Descriptions.Item label="事迹发生日期">{open.deed_on}</Descriptions.Item>
              <Descriptions.Item label="事迹" span={2}>
                {open.deed}
              </Descriptions.Item>
              <Descriptions.Item label="提名日期">{open.nominated_on}</Descriptions.Item>
              <Descriptions.Item label="审批">
                <AwardStatus award={open} />
                {open.decided_on && `${open.decided_on} ${open.decided_by ?? ""}`}
              </Descriptions.Item>
              <Descriptions.Item label="奖励金额">{open.amount_fen > 0 ? yuan(open.amount_fen) : "—"}</Descriptions.Item>
              <Descriptions.Item label="发放日期">{open.paid_on ?? "—"}</Descriptions.Item>
              {open.notes && (
                <Descriptions.Item label="备注" span={2}>
                  {open.notes}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Space style={{ marginTop: 16 }}>
              <Button onClick={() => setEditing({ step: "edit", award: open })}>修改</Button>
              {!open.paid_on && (
                <Button type="primary" onClick={() => setEditing({ step: "decide", award: open })} data-testid="award-decide">
                  审批
                </Button>
              )}
              {open.decision === "approved" && !open.paid_on && (
                <Button type="primary" onClick={() => setEditing({ step: "pay", award: open })} data-testid="award-pay">
                  发放
                </Button>
              )}
              <Popconfirm title="删除这条提名？（可恢复）" onConfirm={() => void remove(open)}>
                <Button danger>删除</Button>
              </Popconfirm>
            </Space>
          </>
        )}
      </Modal>
      <Modal open={editing !== null} title={title} footer={null} onCancel={() => setEditing(null)} destroyOnHidden width={720}>
        {editing?.step === "new" && <AwardForm onSaved={saved} />}
        {editing?.step === "edit" && <AwardForm award={editing.award} onSaved={saved} />}
        {editing?.step === "decide" && <DecideForm award={editing.award} onSaved={saved} />}
        {editing?.step === "pay" && <PayForm award={editing.award} onSaved={saved} />}
      </Modal>
    </Card>
  );
}
