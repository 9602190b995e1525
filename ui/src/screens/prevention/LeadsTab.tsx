import { useCallback, useState } from "react";
import { Alert, Button, Card, Form, Input, Modal, Row, Select, Space, Table, Tag } from "antd";
import { backend } from "../../backend";
import type { AdvanceLead, Lead, LeadInput, LeadStatus } from "../../backend";
import { LeadStatusLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { useIncidentOptions } from "../../components/refs";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

/** The steps a lead may take from each status (the core's lead lifecycle). */
export const LEAD_STEPS: Record<LeadStatus, { to: LeadStatus; label: string }[]> = {
  received: [
    { to: "verifying", label: "开始核查" },
    { to: "converted", label: "转警情/案件" },
    { to: "closed", label: "了结" },
  ],
  verifying: [
    { to: "converted", label: "转警情/案件" },
    { to: "closed", label: "了结" },
  ],
  converted: [],
  closed: [],
};

export function LeadForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: LeadInput) => backend.lead.create(blankToNull(v)), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="lead-form">
      {alert}
      <Field name="content" label="线索内容" required><Input.TextArea rows={3} data-testid="lead-content" /></Field>
      <Row gutter={16}>
        <Field span={12} name="reported_on" label="接报日期（不填为今天）"><DateField /></Field>
        <Field span={12} name="reporter_volunteer_id" label="提供线索的队员"><Select allowClear showSearch optionFilterProp="label" options={refs.volunteerOptions} /></Field>
        <Field span={12} name="reporter_name" label="提供人姓名（可匿名）" />
        <Field span={12} name="reporter_phone" label="提供人电话" />
        <Field span={12} name="place" label="地点" />
        <Field span={12} name="village_id" label="村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="lead-save">
          保存
        </Button>
      </div>
    </Form>
  );
}

/** One step of a lead: 核查, 转警情/案件 (with the incident or case number) or 了结 (with how). */
export function LeadStepForm({ lead, to, onSaved }: { lead: Lead; to: LeadStatus; onSaved: () => void }) {
  const incidentOptions = useIncidentOptions(to === "converted");
  const { formProps, saving, alert } = useSave((v: AdvanceLead) => backend.lead.advance({ ...blankToNull(v), id: lead.id, to }), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="lead-step-form">
      {alert}
      <p>{lead.content}</p>
      {to === "converted" && (
        <Row gutter={16}>
          <Field span={14} name="incident_id" label="转成的警情">
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={incidentOptions}
            />
          </Field>
          <Field span={10} name="case_no" label="案件编号" />
        </Row>
      )}
      <Field name="handling" label={to === "closed" ? "处理情况（了结须填写）" : "处理情况"}><Input.TextArea rows={2} data-testid="lead-handling" /></Field>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="lead-step-save">
        确定
      </Button>
    </Form>
  );
}

/** 线索: tips received and how each was handled. */
export function LeadsTab() {
  const refs = useRefs();
  const [status, setStatus] = useState<LeadStatus | null>(null);
  const leads = useLoad(useCallback(() => backend.lead.list({ status }), [status]), []);
  const [adding, setAdding] = useState(false);
  const [step, setStep] = useState<{ lead: Lead; to: LeadStatus; label: string } | null>(null);
  const done = () => {
    setAdding(false);
    setStep(null);
    leads.reload();
  };
  return (
    <Card
      size="small"
      title={
        <Space>
          线索
          <Select allowClear placeholder="状态" style={{ width: 150 }} options={options(LeadStatusLabel)} onChange={(v?: LeadStatus) => setStatus(v ?? null)} />
        </Space>
      }
      extra={<LedgerActions kind="leads" addLabel="登记线索" onAdd={() => setAdding(true)} addTestId="new-lead" />}
    >
      {leads.error && <Alert type="error" showIcon message={leads.error} />}
      <Table
        rowKey="id"
        size="small"
        loading={leads.loading}
        dataSource={leads.data}
        pagination={{ pageSize: 12, showSizeChanger: false, showTotal: (t) => `共 ${t} 条` }}
        columns={[
          { title: "接报日期", dataIndex: "reported_on", width: 105 },
          { title: "线索内容", dataIndex: "content", ellipsis: true },
          { title: "地点", dataIndex: "place", width: 140, render: (p, l) => [p, refs.villageName(l.village_id)].filter(Boolean).join("，") },
          { title: "提供人", width: 100, render: (_, l) => l.reporter_name ?? (refs.volunteerName(l.reporter_volunteer_id) || "匿名") },
          { title: "状态", dataIndex: "status", width: 120, render: (s: LeadStatus) => <Tag color={s === "received" ? "orange" : undefined}>{LeadStatusLabel[s]}</Tag> },
          { title: "处理情况", dataIndex: "handling", width: 180, ellipsis: true, render: (h, l) => [h, l.case_no].filter(Boolean).join("；") },
          {
            title: "",
            width: 210,
            render: (_, l) => (
              <Space size={4}>
                {LEAD_STEPS[l.status].map((s) => (
                  <Button key={s.to} size="small" onClick={() => setStep({ lead: l, ...s })} data-testid={`lead-${s.to}-${l.id}`}>
                    {s.label}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={adding} title="登记线索" footer={null} width={640} onCancel={() => setAdding(false)} destroyOnHidden>
        <LeadForm refs={refs} onSaved={done} />
      </Modal>
      <Modal open={step !== null} title={step?.label} footer={null} width={560} onCancel={() => setStep(null)} destroyOnHidden>
        {step && <LeadStepForm lead={step.lead} to={step.to} onSaved={done} />}
      </Modal>
    </Card>
  );
}
