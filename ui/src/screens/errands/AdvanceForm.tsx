import { Button, Form, Input, Radio } from "antd";
import { backend } from "../../backend";
import type { AdvanceRequest, Errand, ErrandStatus } from "../../backend";
import { DeliveryMethodLabel, ErrandStatusLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

/** Moves an errand to `to`; delivery asks how it was delivered. */
export function AdvanceForm({ errand, to, onSaved }: { errand: Errand; to: ErrandStatus; onSaved: (e: Errand) => void }) {
  const { form, formProps, saving, alert } = useSave((v: AdvanceRequest) => backend.errand.advance(blankToNull({ ...v, id: errand.id, to })), onSaved);
  const method = Form.useWatch("delivery_method", form);

  return (
    <Form {...formProps} layout="vertical" data-testid="advance-form">
      {alert}
      <p>
        {errand.service_item_name} · {errand.applicant_name}：{errand.status_label} → <b>{ErrandStatusLabel[to]}</b>
      </p>
      <Field name="on" label="日期" extra="不填为今天"><DateField /></Field>
      {to === "delivered" && (
        <>
          <Form.Item name="delivery_method" label="送达方式">
            <Radio.Group
              options={options(DeliveryMethodLabel)}
              data-testid="delivery-method"
            />
          </Form.Item>
          {method === "mail" && (
            <>
              <Field name="tracking_no" label="快递单号" />
              <Field name="delivery_address" label="寄递地址" extra="不填为群众住址" />
            </>
          )}
        </>
      )}
      <Field name="note" label="办理说明"><Input.TextArea rows={2} /></Field>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="advance-save">
        确定
      </Button>
    </Form>
  );
}
