import { useEffect, useState } from "react";
import { Alert, Button, Form, Input, Select } from "antd";
import { backend } from "../../backend";
import type { Household, Officer, VisitInput } from "../../backend";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";

/** Records a household visit. */
export function VisitForm({ household, onSaved }: { household: Household; onSaved: () => void }) {
  const [form] = Form.useForm<VisitInput>();
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    backend.officer.list().then(setOfficers, () => {});
  }, []);

  const save = async (values: VisitInput) => {
    setSaving(true);
    setFormError(null);
    try {
      await backend.visit.create(blankToNull({ ...values, household_id: household.id }));
      onSaved();
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={save}>
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Form.Item name="visited_on" label="走访日期" extra="不填为今天">
        <DateField />
      </Form.Item>
      <Form.Item name="officer_id" label="走访民警">
        <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
      </Form.Item>
      <Form.Item name="person_id" label="走访对象">
        <Select allowClear options={household.members.map((p) => ({ value: p.id, label: p.name }))} />
      </Form.Item>
      <Form.Item name="notes" label="走访情况">
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="needs" label="发现的诉求">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving}>
        保存
      </Button>
    </Form>
  );
}
