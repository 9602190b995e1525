import { useState } from "react";
import { Alert, Button, Col, Form, Input, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Household, HouseholdInput, Village } from "../../backend";
import { blankToNull, showError } from "../../components/formErrors";

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
  const [form] = Form.useForm<HouseholdInput>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const villageId = Form.useWatch("village_id", form);
  const groups = villages.find((v) => v.id === villageId)?.groups ?? [];

  const save = async (values: HouseholdInput) => {
    setSaving(true);
    setFormError(null);
    try {
      const v = blankToNull(values);
      onSaved(household ? await backend.household.update({ id: household.id, ...v }) : await backend.household.create(v));
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={save}
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
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="village_id" label="所属村（社区）" required>
            <Select options={villages.map((v) => ({ value: v.id, label: v.name }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="group_id" label="村民小组">
            <Select allowClear options={groups.map((g) => ({ value: g.id, label: g.name }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="house_no" label="门牌号">
            <Input />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="address" label="住址" extra="不填则由村、组和门牌号组成">
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="phone" label="联系电话">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="notes" label="备注">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving}>
          保存
        </Button>
      </div>
    </Form>
  );
}
