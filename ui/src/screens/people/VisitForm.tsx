import { Button, Form, Input, Select } from "antd";
import { backend } from "../../backend";
import type { Household, VisitInput } from "../../backend";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { officerOptions, useOfficers } from "../../components/refs";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

/** Records a household visit. */
export function VisitForm({ household, onSaved }: { household: Household; onSaved: () => void }) {
  const officers = useOfficers();
  const { formProps, saving, alert } = useSave((v: VisitInput) => backend.visit.create(blankToNull({ ...v, household_id: household.id })), onSaved);

  return (
    <Form {...formProps} layout="vertical">
      {alert}
      <Field name="visited_on" label="走访日期" extra="不填为今天"><DateField /></Field>
      <Field name="officer_id" label="走访民警"><Select allowClear options={officerOptions(officers)} /></Field>
      <Field name="person_id" label="走访对象"><Select allowClear options={household.members.map((p) => ({ value: p.id, label: p.name }))} /></Field>
      <Field name="notes" label="走访情况"><Input.TextArea rows={3} /></Field>
      <Field name="needs" label="发现的诉求"><Input.TextArea rows={2} /></Field>
      <Button type="primary" htmlType="submit" loading={saving}>
        保存
      </Button>
    </Form>
  );
}
