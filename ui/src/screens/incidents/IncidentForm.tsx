import { Button, Form, Input, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Incident, IncidentInput } from "../../backend";
import { DispositionLabel, IncidentKindLabel } from "../../backend/types";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { DisputePicker } from "../../components/DisputePicker";
import { options } from "../../components/options";
import { officerOptions, useOfficers, useVillages, villageOptions } from "../../components/refs";
import { beijingNow } from "../../components/time";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

/** 登记警情 or 修改警情. Times are picked in Beijing time; an incident may be linked to a dispute. */
export function IncidentForm({ incident, onSaved }: { incident?: Incident; onSaved: (i: Incident) => void }) {
  const villages = useVillages();
  const officers = useOfficers();
  const { formProps, saving, alert } = useSave((values: IncidentInput) => {
    const v = { ...blankToNull(values), person_ids: values.person_ids ?? [] };
    return incident ? backend.incident.update({ id: incident.id, ...v }) : backend.incident.create(v);
  }, onSaved);

  const initial: Partial<IncidentInput> = incident
    ? {
        occurred_at: incident.occurred_at_local,
        reported_at: incident.reported_at_local,
        place: incident.place,
        village_id: incident.village_id,
        kind: incident.kind,
        reporter_name: incident.reporter_name,
        reporter_phone: incident.reporter_phone,
        people: incident.people,
        person_ids: incident.persons.map((p) => p.id),
        summary: incident.summary,
        handling: incident.handling,
        disposition: incident.disposition,
        case_no: incident.case_no,
        officer_id: incident.officer_id,
        dispute_id: incident.dispute_id,
      }
    : { occurred_at: beijingNow().format("YYYY-MM-DD HH:mm"), disposition: "pending", person_ids: [] };

  return (
    <Form {...formProps} layout="vertical" initialValues={initial} data-testid="incident-form">
      {alert}
      <Row gutter={16}>
        <Field span={8} name="occurred_at" label="发生时间" required><DateField showTime data-testid="incident-occurred-at" /></Field>
        <Field span={8} name="reported_at" label="接报时间"><DateField showTime /></Field>
        <Field span={8} name="kind" label="警情类别" required><Select options={options(IncidentKindLabel)} data-testid="incident-kind" /></Field>
        <Field span={16} name="place" label="发生地点" required />
        <Field span={8} name="village_id" label="所属村（社区）"><Select allowClear options={villageOptions(villages)} /></Field>
        <Field span={8} name="reporter_name" label="报警人" />
        <Field span={8} name="reporter_phone" label="报警人电话" />
        <Field span={8} name="officer_id" label="处警民警/辅警"><Select allowClear options={officerOptions(officers, { keep: incident?.officer_id })} /></Field>
        <Field span={24} name="person_ids" label="涉及的登记人员"><PersonPicker multiple /></Field>
        <Field span={24} name="people" label="其他涉及人员（未登记）" />
        <Field span={24} name="summary" label="简要警情" required><Input.TextArea rows={2} /></Field>
        <Field span={24} name="handling" label="处置经过"><Input.TextArea rows={2} /></Field>
        <Field span={12} name="disposition" label="处置结果"><Select options={options(DispositionLabel)} /></Field>
        <Field span={12} name="case_no" label="案件编号（立案时填写）" />
        <Field span={24} name="dispute_id" label="关联的矛盾纠纷"><DisputePicker data-testid="incident-dispute" /></Field>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="incident-save">
          保存
        </Button>
      </div>
    </Form>
  );
}
