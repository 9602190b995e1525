import { useEffect, useRef, useState } from "react";
import { Alert, Button, Col, Form, Input, Radio, Row, Select, Space } from "antd";
import { backend, toBackendError } from "../../backend";
import type { Person, PersonInput } from "../../backend";
import { KnownTagLabel, RelationLabel, ResidenceLabel, SexLabel } from "../../backend/types";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

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
 * birth date and sex from it; every refusal shows under the field it names. */
export function PersonForm({ person, householdId, onSaved, onCancel }: Props) {
  const [form] = Form.useForm<PersonInput>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const checkSeq = useRef(0);
  const hasHousehold = Boolean(person?.household_id ?? householdId);

  useEffect(() => {
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
    if (!value || (!finished && value.length < CHECK_FROM_LENGTH)) {
      form.setFields([{ name: "id_number", errors: [] }]);
      return;
    }
    try {
      const info = await backend.idNumber.check(value);
      if (seq !== checkSeq.current) return;
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

  const save = async () => {
    const values = blankToNull(form.getFieldsValue()) as PersonInput;
    values.tags = values.tags ?? [];
    setSaving(true);
    setFormError(null);
    try {
      const saved = person
        ? await backend.person.update({ id: person.id, ...values })
        : await backend.person.create({ ...values, household_id: householdId ?? null });
      onSaved(saved);
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={save} data-testid="person-form">
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={6}>
          <Form.Item name="name" label="姓名" required>
            <Input autoFocus maxLength={20} data-testid="person-name" />
          </Form.Item>
        </Col>
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
        <Col span={6}>
          <Form.Item name="birth_date" label="出生日期">
            <DateField data-testid="person-birth-date" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="sex" label="性别">
            <Radio.Group options={options(SexLabel)} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="ethnicity" label="民族">
            <Input placeholder="汉族" />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="phone" label="联系电话">
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="relation" label="与户主关系">
            <Select allowClear options={options(RelationLabel)} disabled={!hasHousehold} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="residence" label="居住状态">
            <Select options={options(ResidenceLabel)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="occupation" label="职业/工作单位">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="tags" label="标签" extra="可选常用标签，也可输入其他词后回车">
            <Select mode="tags" options={options(KnownTagLabel)} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="address" label="住址（与户不同时填写）">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="notes" label="备注">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
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
