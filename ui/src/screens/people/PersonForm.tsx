import { useEffect, useRef } from "react";
import { Button, Col, Form, Input, Radio, Row, Select, Space } from "antd";
import { backend, toBackendError } from "../../backend";
import type { Person, PersonInput } from "../../backend";
import { KnownTagLabel, RelationLabel, ResidenceLabel, SexLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { useSave } from "../../components/useSave";
import { Field, NotesField } from "../../components/Field";

/** The ID number is checked by the core once it is long enough to be a whole number. */
const CHECK_FROM_LENGTH = 15;

type Props = {
  /** The person to edit, or none to register a new one. */
  person?: Person;
  /** The household a new person joins. */
  householdId?: string;
  onSaved: (p: Person) => void;
  onCancel?: () => void;
};

/** Registers or edits a resident. The core checks the ID number as it is typed, and fills in
 * birth date and sex from it (and takes them away again when the number is cleared); every
 * refusal shows under the field it names. */
export function PersonForm({ person, householdId, onSaved, onCancel }: Props) {
  const { form, formProps, saving, alert } = useSave((v: PersonInput) => {
    const values = { ...blankToNull(v), tags: v.tags ?? [] };
    return person ? backend.person.update({ id: person.id, ...values }) : backend.person.create({ ...values, household_id: householdId ?? null });
  }, onSaved);
  const checkSeq = useRef(0);
  // What the last valid number filled in, so that clearing the number takes it away again.
  const filled = useRef<{ birth_date: string; sex: PersonInput["sex"] } | null>(null);
  const hasHousehold = Boolean(person?.household_id ?? householdId);

  useEffect(() => {
    // A registered number is where the stored birth date and sex came from.
    filled.current = person?.id_number && person.birth_date ? { birth_date: person.birth_date, sex: person.sex } : null;
    form.setFieldsValue(
      person
        ? {
            name: person.name,
            id_number: person.id_number,
            sex: person.sex,
            birth_date: person.birth_date,
            ethnicity: person.ethnicity,
            phone: person.phone,
            relation: person.relation,
            residence: person.residence,
            tags: person.tags,
            address: person.address,
            occupation: person.occupation,
            notes: person.notes,
          }
        : { residence: "permanent", tags: [] },
    );
  }, [form, person]);

  const checkIdNumber = async (raw: string, finished: boolean) => {
    const value = raw.trim();
    const seq = ++checkSeq.current;
    if (!value) {
      forgetFilled();
      form.setFields([{ name: "id_number", errors: [] }]);
      return;
    }
    if (!finished && value.length < CHECK_FROM_LENGTH) {
      form.setFields([{ name: "id_number", errors: [] }]);
      return;
    }
    try {
      const info = await backend.idNumber.check(value);
      if (seq !== checkSeq.current) return;
      filled.current = { birth_date: info.birth_date, sex: info.sex };
      form.setFields([
        { name: "id_number", errors: [] },
        { name: "birth_date", value: info.birth_date, errors: [] },
        { name: "sex", value: info.sex, errors: [] },
      ]);
    } catch (e) {
      if (seq !== checkSeq.current) return;
      form.setFields([{ name: "id_number", errors: [toBackendError(e).message] }]);
    }
  };

  /** Takes away the birth date and sex a cleared number had filled in (unless changed since). */
  const forgetFilled = () => {
    const f = filled.current;
    filled.current = null;
    if (!f) return;
    const now = form.getFieldsValue(["birth_date", "sex"]);
    form.setFields([
      ...(now.birth_date === f.birth_date ? [{ name: "birth_date" as const, value: null }] : []),
      ...(now.sex === f.sex ? [{ name: "sex" as const, value: null }] : []),
    ]);
  };

  return (
    <Form {...formProps} layout="vertical" data-testid="person-form">
      {alert}
      <Row gutter={16}>
        <Field span={6} name="name" label="姓名" required><Input autoFocus data-testid="person-name" /></Field>
        {/* The field's column is wide so that the core's message stays on one line; the box itself need not be. */}
        <Col span={18}>
          <Form.Item name="id_number" label="公民身份号码" extra="输入完整号码后自动核验，并填入出生日期和性别">
            <Input
              maxLength={18}
              style={{ maxWidth: 340 }}
              data-testid="person-id-number"
              onChange={(e) => void checkIdNumber(e.target.value, false)}
              onBlur={(e) => void checkIdNumber(e.target.value, true)}
            />
          </Form.Item>
        </Col>
        <Field span={6} name="birth_date" label="出生日期"><DateField data-testid="person-birth-date" /></Field>
        <Field span={6} name="sex" label="性别"><Radio.Group options={options(SexLabel)} /></Field>
        <Field span={6} name="ethnicity" label="民族"><Input placeholder="汉族" /></Field>
        <Field span={6} name="phone" label="联系电话" />
        <Field span={8} name="relation" label="与户主关系"><Select allowClear options={options(RelationLabel)} disabled={!hasHousehold} /></Field>
        <Field span={8} name="residence" label="居住状态"><Select options={options(ResidenceLabel)} /></Field>
        <Field span={8} name="occupation" label="职业/工作单位" />
        <Field span={12} name="tags" label="标签" extra="可选常用标签，也可输入其他词后回车"><Select mode="tags" options={options(KnownTagLabel)} /></Field>
        <Field span={12} name="address" label="住址（与户不同时填写）" />
        <NotesField />
      </Row>
      <Space className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="person-save">
          保存
        </Button>
        {onCancel && <Button onClick={onCancel}>取消</Button>}
      </Space>
    </Form>
  );
}
