import { Button, Form, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Household, HouseholdInput, Village } from "../../backend";
import { blankToNull } from "../../components/formErrors";
import { villageOptions } from "../../components/refs";
import { useSave } from "../../components/useSave";
import { Field, NotesField } from "../../components/Field";

/** Registers or edits a household; refusals show under the field they name. */
export function HouseholdForm({
  villages,
  household,
  onSaved,
}: {
  villages: Village[];
  household?: Household;
  onSaved: (h: Household) => void;
}) {
  const { form, formProps, saving, alert } = useSave(
    (v: HouseholdInput) => (household ? backend.household.update({ id: household.id, ...blankToNull(v) }) : backend.household.create(blankToNull(v))),
    onSaved,
  );
  const villageId = Form.useWatch("village_id", form);
  const groups = villages.find((v) => v.id === villageId)?.groups ?? [];

  return (
    <Form
      {...formProps}
      layout="vertical"
      initialValues={
        household && {
          village_id: household.village_id,
          group_id: household.group_id,
          house_no: household.house_no,
          address: household.address,
          phone: household.phone,
          notes: household.notes,
        }
      }
    >
      {alert}
      <Row gutter={16}>
        <Field span={8} name="village_id" label="所属村（社区）" required><Select options={villageOptions(villages)} /></Field>
        <Field span={8} name="group_id" label="村民小组"><Select allowClear options={groups.map((g) => ({ value: g.id, label: g.name }))} /></Field>
        <Field span={8} name="house_no" label="门牌号" />
        <Field span={16} name="address" label="住址" extra="不填则由村、组和门牌号组成" />
        <Field span={8} name="phone" label="联系电话" />
        <NotesField />
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving}>
          保存
        </Button>
      </div>
    </Form>
  );
}
