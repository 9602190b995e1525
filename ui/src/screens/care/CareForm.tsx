import { useCallback } from "react";
import { Form, InputNumber, Row, Select } from "antd";
import { backend } from "../../backend";
import type { CareDefault, CarePlan, CarePlanInput, Volunteer } from "../../backend";
import { DateField } from "../../components/DateField";
import { Field, NotesField } from "../../components/Field";
import { SaveButton } from "../../components/SaveButton";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull } from "../../components/formErrors";
import { officerOptions, useOfficers } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";

/** The tags a plan may be for, with each one's interval, as the core lists them. */
export function useCareDefaults() {
  return useLoad(useCallback(() => backend.care.defaults(), []), [] as CareDefault[]);
}

function useVolunteers(): Volunteer[] {
  return useLoad(useCallback(() => backend.volunteer.list({ active_only: true }), []), [] as Volunteer[]).data;
}

/**
 * 制定 or 修改 a care plan: whom it is for (a resident; only when new), why (the tag, whose
 * interval the station admin set is the default), the officer and volunteer paired with them,
 * and notes. The core checks everything; its refusal shows under the field it names.
 */
export function CareForm({ plan, onSaved }: { plan?: CarePlan; onSaved: (p: CarePlan) => void }) {
  const defaults = useCareDefaults().data;
  const officers = useOfficers();
  const volunteers = useVolunteers();
  const { form, formProps, saving, alert } = useSave(
    (v: CarePlanInput) => (plan ? backend.care.update({ id: plan.id, ...blankToNull(v) }) : backend.care.create(blankToNull(v))),
    onSaved,
  );
  const interval = (tag: string | undefined) => defaults.find((d) => d.tag === tag)?.interval_days;
  const initial: Partial<CarePlanInput> = plan
    ? { tag: plan.tag, interval_days: plan.interval_days, officer_id: plan.officer_id, volunteer_id: plan.volunteer_id, notes: plan.notes }
    : {};
  return (
    <Form {...formProps} layout="vertical" initialValues={initial} name={plan ? "care-edit" : "care-create"} data-testid="care-form">
      {alert}
      <Row gutter={16}>
        {!plan && (
          <Field span={24} name="person_id" label="帮扶对象" required>
            <PersonPicker data-testid="care-person" />
          </Field>
        )}
        <Field span={12} name="tag" label="帮扶类别" required>
          <Select
            data-testid="care-tag"
            options={defaults.map((d) => ({ value: d.tag, label: `${d.label}（每${d.interval_days}天）` }))}
            onChange={(t: string) => form.setFieldValue("interval_days", interval(t))}
          />
        </Field>
        <Field span={12} name="interval_days" label="走访周期（天）" extra="默认按所长为该类别设定的周期">
          <InputNumber min={1} precision={0} style={{ width: "100%" }} data-testid="care-interval" />
        </Field>
        <Field span={12} name="officer_id" label="结对民警/辅警">
          <Select allowClear options={officerOptions(officers, { keep: plan?.officer_id })} data-testid="care-officer" />
        </Field>
        <Field span={12} name="volunteer_id" label="结对志愿者">
          <Select
            allowClear
            options={volunteers.map((v) => ({ value: v.id, label: `${v.name}${v.village_name ? `（${v.village_name}）` : ""}` }))}
            data-testid="care-volunteer"
          />
        </Field>
        {!plan && (
          <Field span={12} name="started_on" label="开始日期" extra="默认今天">
            <DateField />
          </Field>
        )}
        <NotesField />
      </Row>
      <SaveButton saving={saving} testId="care-save" />
    </Form>
  );
}
