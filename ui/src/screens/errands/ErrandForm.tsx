import { useEffect, useState } from "react";
import { Alert, Button, Col, Form, Input, Radio, Row, Select } from "antd";
import { backend } from "../../backend";
import type { Catalogue, Errand, ErrandInput, Officer } from "../../backend";
import { ErrandModeLabel } from "../../backend/types";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";

/** 受理代办: the resident (registered, or just a name and phone), the service item, the mode. */
export function ErrandForm({ onSaved }: { onSaved: (e: Errand) => void }) {
  const [form] = Form.useForm<ErrandInput>();
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    backend.serviceItem.list().then(setCatalogue, () => {});
    backend.officer.list().then(setOfficers, () => {});
  }, []);

  const save = async (values: ErrandInput) => {
    setSaving(true);
    setFormError(null);
    try {
      onSaved(await backend.errand.create(blankToNull(values)));
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={save} initialValues={{ mode: "proxy" }} data-testid="errand-form">
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={24}>
          <Form.Item name="service_item_id" label="服务事项" required>
            <Select
              showSearch
              optionFilterProp="label"
              placeholder="选择或输入事项名称"
              data-testid="errand-item"
              options={catalogue?.categories.map((c) => ({
                label: c.category,
                title: c.category,
                options: c.items.map((i) => ({
                  value: i.id,
                  label: i.time_limit_days != null ? `${i.name}（${i.time_limit_days} 天）` : i.name,
                })),
              }))}
            />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="person_id" label="办事群众（登记人员）" extra="不是登记人员时，直接填写下面的申请人姓名和电话">
            <PersonPicker data-testid="errand-person" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="applicant_name" label="申请人姓名">
            <Input data-testid="errand-applicant" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="applicant_phone" label="申请人联系电话">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="mode" label="代办方式">
            <Radio.Group optionType="button" options={Object.entries(ErrandModeLabel).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="requested_on" label="受理日期" extra="不填为今天">
            <DateField />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="due_on" label="到期日期" extra="不填按事项办理时限计算">
            <DateField />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="officer_id" label="经办民警/辅警">
            <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="notes" label="备注">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="errand-save">
          受理
        </Button>
      </div>
    </Form>
  );
}
