import { useCallback } from "react";
import { Button, Form, Input, InputNumber, Radio, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Lawyer, LawyerInput, Sitting, SittingInput } from "../../backend";
import { LawyerKindLabel } from "../../backend/types";
import { DateField } from "../../components/DateField";
import { Field } from "../../components/Field";
import { blankToNull } from "../../components/formErrors";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";

/** The lawyers serving the post (for the pickers: the sitting's lawyer, a round's lawyers). */
export function useLawyers() {
  return useLoad(useCallback(() => backend.counsel.lawyers(), []), [] as Lawyer[]);
}

/** A lawyer as a picker shows them: name, firm, and the term when it is over. */
export function lawyerOptions(lawyers: Lawyer[]) {
  return lawyers.map((l) => ({ value: l.id, label: `${l.name}（${l.firm}${l.serving ? "" : "，已不在服务期"}）` }));
}

/**
 * 登记 or 修改 a lawyer: name, 法律顾问 or 驻所律师, firm, 执业证号, phone and the term. The core
 * checks everything (a 17-digit licence, a term that keeps the sittings); its refusal shows
 * under the field it names.
 */
export function LawyerForm({ lawyer, onSaved }: { lawyer?: Lawyer; onSaved: (l: Lawyer) => void }) {
  const { formProps, saving, alert } = useSave(
    (v: LawyerInput) => (lawyer ? backend.counsel.updateLawyer({ id: lawyer.id, ...blankToNull(v) }) : backend.counsel.createLawyer(blankToNull(v))),
    onSaved,
  );
  const initial: Partial<LawyerInput> = lawyer
    ? { ...lawyer, kind: lawyer.kind }
    : { kind: "resident" };
  return (
    <Form {...formProps} layout="vertical" initialValues={initial} name={lawyer ? "lawyer-edit" : "lawyer-create"} data-testid="lawyer-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="name" label="律师姓名" required><Input data-testid="lawyer-name" /></Field>
        <Field span={12} name="kind" label="身份"><Radio.Group options={options(LawyerKindLabel)} /></Field>
        <Field span={12} name="firm" label="律师事务所" required><Input data-testid="lawyer-firm" /></Field>
        <Field span={12} name="licence_no" label="执业证号" required extra="17位数字"><Input data-testid="lawyer-licence" /></Field>
        <Field span={12} name="phone" label="联系电话" />
        <Field span={6} name="serving_from" label="服务起始日期" extra="不填为今天"><DateField /></Field>
        <Field span={6} name="serving_to" label="服务截止日期"><DateField /></Field>
        <Field span={24} name="notes" label="备注" extra="坐班安排，如每周二、四上午"><Input.TextArea rows={2} /></Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="lawyer-save">保存</Button>
    </Form>
  );
}

/**
 * 登记坐班: the lawyer, the day (not after today, inside the lawyer's term), hours (0.5–12),
 * consultations given and people served, and what was asked about.
 */
export function SittingForm({
  lawyers,
  lawyerId,
  sitting,
  onSaved,
}: {
  lawyers: Lawyer[];
  lawyerId?: string;
  sitting?: Sitting;
  onSaved: (s: Sitting) => void;
}) {
  const { formProps, saving, alert } = useSave(
    (v: SittingInput) =>
      sitting ? backend.counsel.updateSitting({ id: sitting.id, ...blankToNull(v) }) : backend.counsel.createSitting(blankToNull(v)),
    onSaved,
  );
  const initial: Partial<SittingInput> = sitting ?? { lawyer_id: lawyerId, hours: 3, consultations: 0, people_served: 0 };
  return (
    <Form {...formProps} layout="vertical" initialValues={initial} name={sitting ? "sitting-edit" : "sitting-create"} data-testid="sitting-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="lawyer_id" label="律师" required>
          <Select options={lawyerOptions(lawyers)} data-testid="sitting-lawyer" />
        </Field>
        <Field span={12} name="sat_on" label="坐班日期" extra="不填为今天"><DateField /></Field>
        <Field span={8} name="hours" label="坐班时长（小时）" required>
          <InputNumber min={0.5} max={12} step={0.5} style={{ width: "100%" }} data-testid="sitting-hours" />
        </Field>
        <Field span={8} name="consultations" label="法律咨询（次）">
          <InputNumber min={0} precision={0} style={{ width: "100%" }} data-testid="sitting-consultations" />
        </Field>
        <Field span={8} name="people_served" label="接待群众（人）">
          <InputNumber min={0} precision={0} style={{ width: "100%" }} data-testid="sitting-people" />
        </Field>
        <Field span={24} name="topics" label="咨询事项、普法内容"><Input.TextArea rows={2} data-testid="sitting-topics" /></Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="sitting-save">保存</Button>
    </Form>
  );
}
