import { useState } from "react";
import { Alert, Button, Form, Input, Radio } from "antd";
import { backend } from "../../backend";
import type { AdvanceRequest, Errand, ErrandStatus } from "../../backend";
import { DeliveryMethodLabel, ErrandStatusLabel } from "../../backend/types";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";

/** Moves an errand to `to`; delivery asks how it was delivered. */
export function AdvanceForm({ errand, to, onSaved }: { errand: Errand; to: ErrandStatus; onSaved: (e: Errand) => void }) {
  const [form] = Form.useForm<AdvanceRequest>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const method = Form.useWatch("delivery_method", form);

  const save = async (values: AdvanceRequest) => {
    setSaving(true);
    setFormError(null);
    try {
      onSaved(await backend.errand.advance(blankToNull({ ...values, id: errand.id, to })));
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={save} data-testid="advance-form">
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <p>
        {errand.service_item_name} · {errand.applicant_name}：{errand.status_label} → <b>{ErrandStatusLabel[to]}</b>
      </p>
      <Form.Item name="on" label="日期" extra="不填为今天">
        <DateField />
      </Form.Item>
      {to === "delivered" && (
        <>
          <Form.Item name="delivery_method" label="送达方式">
            <Radio.Group
              options={Object.entries(DeliveryMethodLabel).map(([value, label]) => ({ value, label }))}
              data-testid="delivery-method"
            />
          </Form.Item>
          {method === "mail" && (
            <>
              <Form.Item name="tracking_no" label="快递单号">
                <Input />
              </Form.Item>
              <Form.Item name="delivery_address" label="寄递地址" extra="不填为群众住址">
                <Input />
              </Form.Item>
            </>
          )}
        </>
      )}
      <Form.Item name="note" label="办理说明">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="advance-save">
        确定
      </Button>
    </Form>
  );
}
