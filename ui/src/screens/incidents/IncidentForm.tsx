import { useEffect, useState } from "react";
import { Alert, Button, Col, Form, Input, Row, Select } from "antd";
import dayjs from "dayjs";
import { backend } from "../../backend";
import type { Incident, IncidentInput, Officer, Village } from "../../backend";
import { DispositionLabel, IncidentKindLabel } from "../../backend/types";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { DisputePicker } from "../../components/DisputePicker";

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** 登记警情 or 修改警情. Times are picked in Beijing time; an incident may be linked to a dispute. */
export function IncidentForm({ incident, onSaved }: { incident?: Incident; onSaved: (i: Incident) => void }) {
  const [form] = Form.useForm<IncidentInput>();
  const [villages, setVillages] = useState<Village[]>([]);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  useEffect(() => {
    backend.village.list().then(setVillages, () => {});
    backend.officer.list().then(setOfficers, () => {});
  }, []);

  const save = async (values: IncidentInput) => {
    setSaving(true);
    setFormError(null);
    try {
      const v = blankToNull(values);
      v.person_ids = values.person_ids ?? [];
      onSaved(incident ? await backend.incident.update({ id: incident.id, ...v }) : await backend.incident.create(v));
    } catch (e) {
      setFormError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };

  const initial: Partial<IncidentInput> = incident
    ? {
        occurred_at: incident.occurred_at_local,
        reported_at: incident.reported_at_local,
        place: incident.place,
        village_id: incident.village_id,
        kind: incident.kind,
        reporter_name: incident.reporter_name,
        reporter_phone: incident.reporter_phone,
        people: incident.people,
        person_ids: incident.persons.map((p) => p.id),
        summary: incident.summary,
        handling: incident.handling,
        disposition: incident.disposition,
        case_no: incident.case_no,
        officer_id: incident.officer_id,
        dispute_id: incident.dispute_id,
      }
    : { occurred_at: dayjs().format("YYYY-MM-DD HH:mm"), disposition: "pending", person_ids: [] };

  return (
    <Form form={form} layout="vertical" onFinish={save} initialValues={initial} data-testid="incident-form">
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name="occurred_at" label="发生时间" required>
            <DateField showTime data-testid="incident-occurred-at" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="reported_at" label="接报时间">
            <DateField showTime />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="kind" label="警情类别" required>
            <Select options={options(IncidentKindLabel)} data-testid="incident-kind" />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="place" label="发生地点" required>
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="village_id" label="所属村（社区）">
            <Select allowClear options={villages.map((v) => ({ value: v.id, label: v.name }))} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="reporter_name" label="报警人">
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="reporter_phone" label="报警人电话">
            <Input />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="officer_id" label="处警民警/辅警">
            <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="person_ids" label="涉及的登记人员">
            <PersonPicker multiple />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="people" label="其他涉及人员（未登记）">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="summary" label="简要警情" required>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="handling" label="处置经过">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="disposition" label="处置结果">
            <Select options={options(DispositionLabel)} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="case_no" label="案件编号（立案时填写）">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="dispute_id" label="关联的矛盾纠纷">
            <DisputePicker data-testid="incident-dispute" />
          </Form.Item>
        </Col>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="incident-save">
          保存
        </Button>
      </div>
    </Form>
  );
}
