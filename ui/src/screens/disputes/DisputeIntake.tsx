import { Button, Card, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from "antd";
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { backend } from "../../backend";
import type { Dispute, DisputeInput } from "../../backend";
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
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { officerOptions, useOfficers, useVillages, villageOptions } from "../../components/refs";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

/** What the form holds: the api's intake, with the amount typed in 元. */
type IntakeValues = Omit<DisputeInput, "amount_involved"> & { amount_yuan?: number | null };

/** The intake as the core takes it: blanks as none, the amount in fen. */
function intake({ amount_yuan, parties, exclusions, ...rest }: IntakeValues): DisputeInput {
  return {
    ...blankToNull(rest),
    amount_involved: amount_yuan == null ? null : Math.round(amount_yuan * 100),
    exclusions: exclusions ?? [],
    parties: (parties ?? []).map((p) => blankToNull(p)),
  };
}

/** 受理矛盾纠纷: the case and its parties, picked from the residents or typed in. */
export function DisputeIntake({ onSaved }: { onSaved: (d: Dispute) => void }) {
  const villages = useVillages();
  const officers = useOfficers();
  // The amount is typed in 元 under its own name.
  const { form, formProps, saving, alert } = useSave((v: IntakeValues) => backend.dispute.create(intake(v)), onSaved, { rename: { amount_involved: "amount_yuan" } });
  const track = Form.useWatch("track", form);

  return (
    <Form
      {...formProps}
      layout="vertical"
      initialValues={{ track: "people", grade: "general", source: "walk_in", parties: [{ role: "applicant", kind: "person" }, { role: "respondent", kind: "person" }] }}
      data-testid="dispute-intake"
    >
      {alert}
      <Row gutter={16}>
        <Field span={16} name="title" label="纠纷名称" required><Input placeholder="如：王某与李某宅基地边界纠纷" data-testid="dispute-title" /></Field>
        <Field span={8} name="track" label="调解类型"><Radio.Group optionType="button" options={options(TrackLabel)} /></Field>
        <Field span={6} name="kind" label="纠纷类型" required><Select showSearch optionFilterProp="label" options={options(DisputeKindLabel)} /></Field>
        <Field span={6} name="source" label="来源"><Select options={options(DisputeSourceLabel)} /></Field>
        <Field span={6} name="grade" label="纠纷等级"><Select options={options(GradeLabel)} /></Field>
        <Field span={6} name="received_on" label="受理日期" extra="不填为今天"><DateField /></Field>
        <Field span={6} name="amount_yuan" label="涉及金额（元）"><InputNumber min={0} precision={2} style={{ width: "100%" }} /></Field>
        <Field span={6} name="village_id" label="所属村（社区）"><Select allowClear options={villageOptions(villages)} /></Field>
        <Field span={6} name="officer_id" label="承办民警"><Select allowClear options={officerOptions(officers)} /></Field>
        <Field span={24} name="facts" label="纠纷主要事实"><Input.TextArea rows={2} /></Field>
        <Field span={12} name="matters" label="争议事项"><Input.TextArea rows={2} /></Field>
        <Field span={12} name="responsibility" label="各方责任"><Input.TextArea rows={2} /></Field>
      </Row>
      {track === "security" && (
        <Card size="small" title="治安调解" style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Field span={8} name="offence" label="违法行为"><Select allowClear options={options(SecurityOffenceLabel)} /></Field>
            <Field span={8} name="occurred_at" label="案件发生时间"><DateField showTime /></Field>
            <Field span={8} name="place" label="案件发生地点" />
            <Field span={24} name="exclusions" label="不适用调解的情形（有任一项则不能治安调解）"><Select mode="multiple" allowClear options={options(ExclusionLabel)} /></Field>
            {(["cause", "course", "circumstances", "result"] as const).map((f) => (
              <Col span={12} key={f}>
                <Field name={f} label={{ cause: "起因", course: "经过", circumstances: "情节", result: "结果" }[f]}><Input.TextArea rows={2} /></Field>
              </Col>
            ))}
            <Field span={8} name="assessment_on" label="鉴定意见送达日期"><DateField /></Field>
          </Row>
        </Card>
      )}
      <Typography.Title level={5}>当事人</Typography.Title>
      <Form.List name="parties">
        {(fields, { add, remove }, { errors }) => (
          <Space direction="vertical" style={{ width: "100%" }}>
            <Form.ErrorList errors={errors} />
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                title={`当事人 ${i + 1}`}
                extra={<Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除当事人" />}
                data-testid={`party-${i}`}
              >
                <Row gutter={12}>
                  <Field span={5} name={[f.name, "role"]} label="身份"><Select options={options(PartyRoleLabel)} /></Field>
                  <Field span={4} name={[f.name, "kind"]} label="类别"><Select options={options(PartyKindLabel)} /></Field>
                  <Field span={15} name={[f.name, "person_id"]} label="从登记人员中选择" extra="选择后姓名、身份证号、住址等取自人员档案"><PersonPicker data-testid={`party-${i}-person`} /></Field>
                  <Field span={4} name={[f.name, "name"]} label="姓名/单位名称"><Input data-testid={`party-${i}-name`} /></Field>
                  <Field span={6} name={[f.name, "id_number"]} label="公民身份号码" extra="性别、出生日期由号码读出"><Input maxLength={18} data-testid={`party-${i}-id-number`} /></Field>
                  <Field span={3} name={[f.name, "ethnicity"]} label="民族"><Input data-testid={`party-${i}-ethnicity`} /></Field>
                  <Field span={4} name={[f.name, "phone"]} label="联系电话"><Input data-testid={`party-${i}-phone`} /></Field>
                  <Field span={7} name={[f.name, "address"]} label="住址"><Input data-testid={`party-${i}-address`} /></Field>
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
