import { Form, Input, Row, Select, Typography } from "antd";
import { backend } from "../../backend";
import type { Award, AwardDecideRequest, AwardInput, AwardPayRequest } from "../../backend";
import { AwardDecisionLabel, AwardKindLabel } from "../../backend/types";
import { DateField } from "../../components/DateField";
import { DisputePicker } from "../../components/DisputePicker";
import { Field, NotesField } from "../../components/Field";
import { SaveButton } from "../../components/SaveButton";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull } from "../../components/formErrors";
import { options } from "../../components/options";
import { useIncidentOptions, useVillages, villageOptions } from "../../components/refs";
import { useSave } from "../../components/useSave";

/**
 * 登记 or 修改 a nomination: the kind, the resident (or a name when not registered), the
 * village (default the resident's), the deed and its date, the incident or dispute it came
 * from, the day nominated. The core checks everything; its refusal shows under the field.
 */
export function AwardForm({ award, onSaved }: { award?: Award; onSaved: (a: Award) => void }) {
  const villages = useVillages();
  const incidents = useIncidentOptions();
  const { formProps, saving, alert } = useSave(
    (v: AwardInput) => (award ? backend.award.update({ id: award.id, ...blankToNull(v) }) : backend.award.create(blankToNull(v))),
    onSaved,
  );
  const initial: Partial<AwardInput> = award
    ? {
        kind: award.kind,
        person_id: award.person_id,
        name: award.person_id ? null : award.name,
        village_id: award.village_id,
        deed: award.deed,
        deed_on: award.deed_on,
        incident_id: award.incident_id,
        dispute_id: award.dispute_id,
        nominated_on: award.nominated_on,
        notes: award.notes,
      }
    : { kind: "valor" };
  return (
    <Form {...formProps} layout="vertical" initialValues={initial} name={award ? "award-edit" : "award-create"} data-testid="award-form">
      {alert}
      <Row gutter={16}>
        <Field span={8} name="kind" label="奖励类别" required>
          <Select options={options(AwardKindLabel)} data-testid="award-kind" />
        </Field>
        <Field span={8} name="person_id" label="被提名人（已登记）">
          <PersonPicker data-testid="award-person" />
        </Field>
        <Field span={8} name="name" label="姓名（未登记时填写）">
          <Input data-testid="award-name" />
        </Field>
        <Field span={8} name="village_id" label="村（社区）" extra="不填时取被提名人所在村">
          <Select allowClear options={villageOptions(villages)} data-testid="award-village" />
        </Field>
        <Field span={8} name="deed_on" label="事迹发生日期" required>
          <DateField data-testid="award-deed-on" />
        </Field>
        <Field span={8} name="nominated_on" label="提名日期" extra="默认今天">
          <DateField />
        </Field>
        <Field span={24} name="deed" label="事迹" required>
          <Input.TextArea rows={3} placeholder="如：跳入鱼塘救起落水儿童" data-testid="award-deed" />
        </Field>
        <Field span={12} name="incident_id" label="关联警情">
          <Select allowClear showSearch optionFilterProp="label" options={incidents} />
        </Field>
        <Field span={12} name="dispute_id" label="关联纠纷">
          <DisputePicker />
        </Field>
        <NotesField />
      </Row>
      <SaveButton saving={saving} testId="award-save" />
    </Form>
  );
}

/** 审批: the decision of 县见义勇为基金会 (见义勇为) or the station (好人), its date and the amount in yuan. */
export function DecideForm({ award, onSaved }: { award: Award; onSaved: (a: Award) => void }) {
  const { formProps, saving, alert } = useSave(
    (v: Omit<AwardDecideRequest, "id">) => backend.award.decide({ id: award.id, ...blankToNull(v) }),
    onSaved,
  );
  const decisions = options(AwardDecisionLabel).filter((o) => o.value !== "pending");
  return (
    <Form {...formProps} layout="vertical" initialValues={{ decision: "approved" }} data-testid="award-decide-form">
      {alert}
      <Typography.Paragraph>
        {AwardKindLabel[award.kind]}：{award.name}，{award.deed}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Field span={12} name="decision" label="审批结果" required>
          <Select options={decisions} data-testid="award-decision" />
        </Field>
        <Field span={12} name="decided_on" label="审批日期（不填为今天）">
          <DateField />
        </Field>
        <Field span={12} name="decided_by" label="审批单位" extra={award.kind === "valor" ? "默认县见义勇为基金会" : "默认派出所"}>
          <Input />
        </Field>
        <Field span={12} name="amount_yuan" label="奖励金额（批准时）">
          <Input addonAfter="元" placeholder="如 2000" data-testid="award-amount" />
        </Field>
      </Row>
      <SaveButton saving={saving} label="保存审批结果" testId="award-decide-save" />
    </Form>
  );
}

/** 发放: the day paid (default today), and the amount when none was approved. */
export function PayForm({ award, onSaved }: { award: Award; onSaved: (a: Award) => void }) {
  const { formProps, saving, alert } = useSave((v: Omit<AwardPayRequest, "id">) => backend.award.pay({ id: award.id, ...blankToNull(v) }), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="award-pay-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="paid_on" label="发放日期（不填为今天）">
          <DateField />
        </Field>
        {award.amount_fen === 0 && (
          <Field span={12} name="amount_yuan" label="奖励金额" required>
            <Input addonAfter="元" data-testid="award-pay-amount" />
          </Field>
        )}
      </Row>
      <SaveButton saving={saving} label="登记发放" testId="award-pay-save" />
    </Form>
  );
}
