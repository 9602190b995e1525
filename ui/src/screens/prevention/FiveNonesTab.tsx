import { useCallback, useState } from "react";
import { Alert, Button, Card, Col, Form, Modal, Radio, Row, Select, Space, Table, Tag, Typography } from "antd";
import { beijingNow } from "../../components/time";
import { backend } from "../../backend";
import type { ConfirmFiveNones, FiveNones, FiveNonesYear } from "../../backend";
import { blankToNull } from "../../components/formErrors";
import { YearField } from "../../components/DateField";
import { LedgerExportButton } from "../../components/FileActions";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs } from "./common";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

export const FIVE: { key: keyof FiveNones; label: string; from?: (y: FiveNonesYear) => string }[] = [
  { key: "no_cases", label: "无案", from: (y) => `立案 ${y.cases} 起` },
  { key: "no_fraud", label: "无诈", from: (y) => `诈骗警情 ${y.fraud} 起` },
  { key: "no_drugs", label: "无毒", from: (y) => `涉毒警情 ${y.drugs} 起` },
  { key: "no_petitions", label: "无访" },
  { key: "no_cults", label: "无邪" },
];

const yesNo = (v: boolean | null | undefined) =>
  v === true ? <Tag color="green">是</Tag> : v === false ? <Tag color="red">否</Tag> : <Tag>未定</Tag>;

const CHOICES = [
  { value: "yes", label: "是" },
  { value: "no", label: "否" },
  { value: "unknown", label: "未定" },
];
const toChoice = (v: boolean | null | undefined) => (v === true ? "yes" : v === false ? "no" : "unknown");
const fromChoice = (c: string | undefined) => (c === "yes" ? true : c === "no" ? false : null);

type ConfirmValues = Record<keyof FiveNones, string> & { officer_id: string; notes?: string | null };

/** 确认五无: the officer's word per item, offered from what the data says. */
export function ConfirmForm({ row, refs, onSaved }: { row: FiveNonesYear; refs: Refs; onSaved: () => void }) {
  const start = row.confirmed ?? row.derived;
  const { formProps, saving, alert } = useSave((v: ConfirmValues) => {
    const req: ConfirmFiveNones = {
      village_id: row.village_id,
      year: row.year,
      officer_id: v.officer_id,
      notes: blankToNull({ notes: v.notes }).notes,
      no_cases: fromChoice(v.no_cases),
      no_fraud: fromChoice(v.no_fraud),
      no_drugs: fromChoice(v.no_drugs),
      no_petitions: fromChoice(v.no_petitions),
      no_cults: fromChoice(v.no_cults),
    };
    return backend.fiveNones.confirm(req);
  }, onSaved);
  const initial = Object.fromEntries(FIVE.map((f) => [f.key, toChoice(start[f.key])]));
  return (
    <Form {...formProps} layout="vertical" initialValues={{ ...initial, notes: row.notes ?? "" }} data-testid="five-nones-form">
      {alert}
      <Typography.Paragraph type="secondary">按数据推定的情况已预先填好；无访、无邪数据无法判断，请民警确认。</Typography.Paragraph>
      <Row gutter={12}>
        {FIVE.map((f) => (
          <Col span={8} key={f.key}>
            <Field name={f.key} label={f.from ? `${f.label}（${f.from(row)}）` : f.label}><Radio.Group optionType="button" options={CHOICES} data-testid={`five-${f.key}`} /></Field>
          </Col>
        ))}
      </Row>
      <Row gutter={12}>
        <Field span={12} name="officer_id" label="确认民警" required><Select options={refs.officerOptions} data-testid="five-officer" /></Field>
        <Field span={12} name="notes" label="备注" />
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="five-save">
          确认
        </Button>
      </div>
    </Form>
  );
}

/** 五无: per village and year, derived from the data where it can tell, confirmed by the officer. */
export function FiveNonesTab() {
  const refs = useRefs();
  const [year, setYear] = useState(beijingNow().year());
  const list = useLoad(useCallback(() => backend.fiveNones.list(year), [year]), []);
  const [editing, setEditing] = useState<FiveNonesYear | null>(null);
  return (
    <Card
      size="small"
      title={
        <Space>
          五无村（社区）
          <YearField value={year} onChange={setYear} />
        </Space>
      }
      extra={<LedgerExportButton kind="five_nones" />}
    >
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table
        rowKey="village_id"
        size="small"
        pagination={false}
        loading={list.loading}
        dataSource={list.data}
        columns={[
          { title: "村（社区）", dataIndex: "village_name", width: 120 },
          ...FIVE.map((f) => ({
            title: f.label,
            key: f.key,
            width: 110,
            render: (_: unknown, y: FiveNonesYear) => (
              <span title={f.from?.(y)}>
                {yesNo(y.confirmed ? y.confirmed[f.key] : y.derived[f.key])}
                {!y.confirmed && <Typography.Text type="secondary">推定</Typography.Text>}
              </span>
            ),
          })),
          { title: "确认", width: 150, render: (_: unknown, y: FiveNonesYear) => (y.confirmed ? `${y.confirmed_on ?? ""} ${y.confirmed_by ?? ""}` : "未确认") },
          {
            title: "",
            width: 70,
            render: (_: unknown, y: FiveNonesYear) => (
              <Button size="small" onClick={() => setEditing(y)} data-testid={`confirm-${y.village_id}`}>
                确认
              </Button>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={editing ? `确认${editing.village_name}${editing.year}年五无` : ""} footer={null} width={640} onCancel={() => setEditing(null)} destroyOnHidden>
        {editing && (
          <ConfirmForm
            row={editing}
            refs={refs}
            onSaved={() => {
              setEditing(null);
              list.reload();
            }}
          />
        )}
      </Modal>
    </Card>
  );
}
