import { useEffect, useState } from "react";
import { Alert, Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from "antd";
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { backend } from "../../backend";
import type { Dispute, DisputeInput, Officer, Village } from "../../backend";
import {
  DisputeKindLabel,
  DisputeSourceLabel,
  ExclusionLabel,
  GradeLabel,
  PartyKindLabel,
  PartyRoleLabel,
  SecurityOffenceLabel,
  TrackLabel,
} from "../../backend/types";
import { PersonPicker } from "../../components/PersonPicker";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** What the form holds: the api's intake, with the amount typed in 元. */
type IntakeValues = Omit<DisputeInput, "amount_involved"> & { amount_yuan?: number | null };

/** 受理矛盾纠纷: the case and its parties, picked from the residents or typed in. */
export function DisputeIntake({ onSaved }: { onSaved: (d: Dispute) => void }) {
  const [form] = Form.useForm<IntakeValues>();
  const [villages, setVillages] = useState<Village[]>([]);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const track = Form.useWatch("track", form);

  useEffect(() => {
    backend.village.list().then(setVillages, () => {});
    backend.officer.list().then(setOfficers, () => {});
  }, []);

  const save = async ({ amount_yuan, parties, exclusions, ...rest }: IntakeValues) => {
    setSaving(true);
    setFormError(null);
    try {
      const input: DisputeInput = {
        ...blankToNull(rest),
        amount_involved: amount_yuan == null ? null : Math.round(amount_yuan * 100),
        exclusions: exclusions ?? [],
        parties: (parties ?? []).map((p) => blankToNull(p)),
      };
      onSaved(await backend.dispute.create(input));
    } catch (e) {
      const message = showError(form, e);
      // The amount is typed in 元 under its own name.
      if (message && /amount_involved/.test(String((e as { field?: string }).field))) {
        form.setFields([{ name: "amount_yuan", errors: [message] }]);
      } else setFormError(message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={save}
      initialValues={{ track: "people", grade: "general", source: "walk_in", parties: [{ role: "applicant", kind: "person" }, { role: "respondent", kind: "person" }] }}
      data-testid="dispute-intake"
    >
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={16}>
          <Form.Item name="title" label="纠纷名称" required>
            <Input placeholder="如：王某与李某宅基地边界纠纷" data-testid="dispute-title" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="track" label="调解类型">
            <Radio.Group optionType="button" options={options(TrackLabel)} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="kind" label="纠纷类型" required>
            <Select showSearch optionFilterProp="label" options={options(DisputeKindLabel)} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="source" label="来源">
            <Select options={options(DisputeSourceLabel)} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="grade" label="纠纷等级">
            <Select options={options(GradeLabel)} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="received_on" label="受理日期" extra="不填为今天">
            <DateField />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="amount_yuan" label="涉及金额（元）">
            <InputNumber min={0} precision={2} style={{ width: "100%" }} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="village_id" label="所属村（社区）">
            <Select allowClear options={villages.map((v) => ({ value: v.id, label: v.name }))} />
          </Form.Item>
        </Col>
        <Col span={6}>
          <Form.Item name="officer_id" label="承办民警">
            <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="facts" label="纠纷主要事实">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="matters" label="争议事项">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="responsibility" label="各方责任">
            <Input.TextArea rows={2} />
          </Form.Item>
        </Col>
      </Row>
      {track === "security" && (
        <Card size="small" title="治安调解" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="offence" label="违法行为">
                <Select allowClear options={options(SecurityOffenceLabel)} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="occurred_at" label="案件发生时间">
                <DateField showTime />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="place" label="案件发生地点">
                <Input />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="exclusions" label="不适用调解的情形（有任一项则不能治安调解）">
                <Select mode="multiple" allowClear options={options(ExclusionLabel)} />
              </Form.Item>
            </Col>
            {(["cause", "course", "circumstances", "result"] as const).map((f) => (
              <Col span={12} key={f}>
                <Form.Item name={f} label={{ cause: "起因", course: "经过", circumstances: "情节", result: "结果" }[f]}>
                  <Input.TextArea rows={2} />
                </Form.Item>
              </Col>
            ))}
            <Col span={8}>
              <Form.Item name="assessment_on" label="鉴定意见送达日期">
                <DateField />
              </Form.Item>
            </Col>
          </Row>
        </Card>
      )}
      <Typography.Title level={5}>当事人</Typography.Title>
      <Form.List name="parties">
        {(fields, { add, remove }) => (
          <Space direction="vertical" style={{ width: "100%" }}>
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                title={`当事人 ${i + 1}`}
                extra={<Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除当事人" />}
                data-testid={`party-${i}`}
              >
                <Row gutter={12}>
                  <Col span={5}>
                    <Form.Item name={[f.name, "role"]} label="身份">
                      <Select options={options(PartyRoleLabel)} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, "kind"]} label="类别">
                      <Select options={options(PartyKindLabel)} />
                    </Form.Item>
                  </Col>
                  <Col span={15}>
                    <Form.Item name={[f.name, "person_id"]} label="从登记人员中选择" extra="选择后姓名、身份证号、住址等取自人员档案">
                      <PersonPicker data-testid={`party-${i}-person`} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, "name"]} label="姓名/单位名称">
                      <Input data-testid={`party-${i}-name`} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[f.name, "id_number"]} label="公民身份号码" extra="性别、出生日期由号码读出">
                      <Input maxLength={18} data-testid={`party-${i}-id-number`} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[f.name, "ethnicity"]} label="民族">
                      <Input data-testid={`party-${i}-ethnicity`} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[f.name, "phone"]} label="联系电话">
                      <Input data-testid={`party-${i}-phone`} />
                    </Form.Item>
                  </Col>
                  <Col span={7}>
                    <Form.Item name={[f.name, "address"]} label="住址">
                      <Input data-testid={`party-${i}-address`} />
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ role: "other", kind: "person" })}>
              添加当事人
            </Button>
          </Space>
        )}
      </Form.List>
      <div className="fq-form-actions" style={{ marginTop: 8 }}>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="dispute-save">
          受理
        </Button>
      </div>
    </Form>
  );
}
