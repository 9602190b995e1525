import { Button, Card, Col, Form, Input, InputNumber, List, Radio, Row, Select, Space, Typography } from "antd";
import { backend } from "../../backend";
import type { AgreementInput, Dispute, FollowUpInput, FulfilmentInput, MediationInput, Officer, Party, PartyInput } from "../../backend";
import { AgreementKindLabel, MediationLevelLabel, MediationModeLabel, MediationOutcomeLabel, PartyKindLabel, PartyRoleLabel, SexLabel } from "../../backend/types";
import type { MediationLevel, MediationMode } from "../../backend/types";
import { lawyerOptions, useLawyers } from "../counsel/CounselForms";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { PersonPicker } from "../../components/PersonPicker";
import { options } from "../../components/options";
import { officerOptions } from "../../components/refs";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";
import { SaveButton } from "../../components/SaveButton";

type StepProps = { dispute: Dispute; onSaved: (d: Dispute) => void };

/**
 * 登记调解: a session of the mediation ladder. Only the levels the core will take are offered
 * (the first of them chosen); for 治安调解 an officer the core would not let preside is
 * shown greyed with the reason.
 */
export function MediationForm({ dispute, officers, onSaved }: StepProps & { officers: Officer[] }) {
  const { form, formProps, saving, alert } = useSave(
    (v: MediationInput) =>
      backend.mediation.add(
        blankToNull({ ...v, dispute_id: dispute.id, mediators: v.mediators ?? [], officer_ids: v.officer_ids ?? [], lawyer_ids: v.lawyer_ids ?? [] }),
      ),
    onSaved,
  );
  const levels = dispute.mediation_levels;
  const lawyers = useLawyers().data;
  const level = Form.useWatch("level", form) as MediationLevel | undefined;
  const mode = Form.useWatch("mode", form) as MediationMode | undefined;
  return (
    <Form {...formProps} layout="vertical" initialValues={{ level: levels[0] }} data-testid="mediation-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="level" label="调解层级">
          <Radio.Group optionType="button" options={options(MediationLevelLabel).map((o) => ({ ...o, disabled: !levels.includes(o.value) }))} />
        </Field>
        <Field span={12} name="held_on" label="调解日期" extra="不填为今天"><DateField /></Field>
        <Field span={12} name="mediators" label="调解员" extra="输入姓名后回车，可填多人"><Select mode="tags" open={false} data-testid="mediation-mediators" /></Field>
        <Field span={12} name="presider_officer_id" label="主持民警">
          <Select allowClear options={officerOptions(officers, { presiding: dispute.track === "security" })} data-testid="mediation-presider" />
        </Field>
        <Field span={12} name="place" label="调解地点" />
        <Field span={12} name="recorder" label="记录人"><Input data-testid="mediation-recorder" /></Field>
        <Field span={24} name="record" label="调解记录"><Input.TextArea rows={2} /></Field>
        <Field span={16} name="outcome" label="调解结果" required><Radio.Group options={options(MediationOutcomeLabel)} data-testid="mediation-outcome" /></Field>
        <Field span={8} name="recording_ref" label="录音录像编号" />
        <Field span={12} name="mode" label="调解方式" extra={mode ? undefined : `不选为“${level === "joint" ? "警务室" : "现场"}”`}>
          <Radio.Group optionType="button" options={options(MediationModeLabel)} data-testid="mediation-mode" />
        </Field>
        {mode === "video" && (
          <Field span={12} name="centre" label="联调中心" required extra="镇、县矛盾纠纷联合调解中心">
            <Input data-testid="mediation-centre" />
          </Field>
        )}
        <Field span={12} name="lawyer_ids" label="参加调解的律师" extra="法律顾问、驻所律师">
          <Select mode="multiple" allowClear options={lawyerOptions(lawyers)} data-testid="mediation-lawyers" />
        </Field>
      </Row>
      <SaveButton saving={saving} testId="mediation-save" />
    </Form>
  );
}

/** The agreement editor: the core's draft (what the settled session recorded, then what was
 * saved), and beside it what the core says is still missing. */
export function AgreementEditor({ dispute, officers, onSaved }: StepProps & { officers: Officer[] }) {
  const send = (v: AgreementInput) => backend.agreement.save({ ...blankToNull(v), mediators: v.mediators ?? [], dispute_id: dispute.id });
  const { form, formProps, run, saving, alert } = useSave(send, onSaved);
  const canFinalise = dispute.next_actions.some((x) => x.action === "finalise_agreement");
  // Save what is typed first, so nothing entered is lost and the check sees it.
  const finalise = () =>
    run(async () => {
      onSaved(await send(form.getFieldsValue()));
      onSaved(await backend.agreement.finalise(dispute.id));
    });

  return (
    <Row gutter={16}>
      <Col span={16}>
        <Form {...formProps} layout="vertical" data-testid="agreement-form" initialValues={dispute.agreement_draft ?? { kind: dispute.track }}>
          {alert}
          <Row gutter={12}>
            <Field span={8} name="kind" label="协议类型"><Select options={options(AgreementKindLabel)} /></Field>
            <Field span={8} name="effective_on" label="生效日期"><DateField data-testid="agreement-effective-on" /></Field>
            <Field span={8} name="copies" label="份数"><InputNumber min={1} max={20} style={{ width: "100%" }} /></Field>
            <Field span={24} name="terms" label="协议内容"><Input.TextArea rows={4} data-testid="agreement-terms" /></Field>
            <Field span={8} name="performance_method" label="履行方式"><Input data-testid="agreement-method" /></Field>
            <Field span={8} name="performance_place" label="履行地点"><Input data-testid="agreement-place" /></Field>
            <Field span={8} name="performance_deadline" label="履行期限"><DateField data-testid="agreement-deadline" /></Field>
            <Field span={12} name="mediators" label="调解员" extra="输入姓名后回车"><Select mode="tags" open={false} data-testid="agreement-mediators" /></Field>
            <Field span={6} name="recorder" label="记录人"><Input data-testid="agreement-recorder" /></Field>
            <Field span={6} name="presider_officer_id" label="主持民警">
              <Select allowClear options={officerOptions(officers, { keep: dispute.agreement_draft?.presider_officer_id, presiding: dispute.track === "security" })} />
            </Field>
            <Field span={24} name="issuer" label="调解委员会/调解机关（不同于警务室设置时填写）" />
          </Row>
          <Space>
            <Button htmlType="submit" loading={saving} data-testid="agreement-save">
              保存草稿
            </Button>
            {canFinalise && (
              <Button type="primary" loading={saving} onClick={() => void finalise()} data-testid="agreement-finalise">
                协议生效并编号
              </Button>
            )}
          </Space>
        </Form>
      </Col>
      <Col span={8}>
        <Card size="small" title={`还缺少的内容（${dispute.missing.length} 项）`} data-testid="agreement-missing">
          {dispute.missing.length === 0 ? (
            <Typography.Text type="success">协议内容已齐全</Typography.Text>
          ) : (
            <List size="small" dataSource={dispute.missing} renderItem={(m) => <List.Item>{m.label}</List.Item>} />
          )}
        </Card>
      </Col>
    </Row>
  );
}

/** 登记履行情况. */
export function FulfilmentForm({ dispute, onSaved }: StepProps) {
  const { formProps, saving, alert } = useSave((v: FulfilmentInput) => backend.fulfilment.record(blankToNull({ ...v, dispute_id: dispute.id })), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ fulfilled: true }}>
      {alert}
      <Field name="fulfilled" label="履行情况"><Radio.Group options={[{ value: true, label: "已履行完毕" }, { value: false, label: "逾期未履行" }]} /></Field>
      <Field name="on" label="日期" extra="不填为今天"><DateField /></Field>
      <Field name="note" label="说明"><Input.TextArea rows={2} /></Field>
      <SaveButton saving={saving} />
    </Form>
  );
}

/** 登记回访. */
export function FollowUpForm({ dispute, officers, onSaved }: StepProps & { officers: Officer[] }) {
  const { formProps, saving, alert } = useSave((v: FollowUpInput) => backend.followup.record(blankToNull({ ...v, dispute_id: dispute.id })), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ held: true }}>
      {alert}
      <Field name="held" label="协议是否履行、纠纷是否平息" extra="选“否”：纠纷回到调解中，可再次调解或移交，并自动安排下一次回访"><Radio.Group options={[{ value: true, label: "是" }, { value: false, label: "否" }]} /></Field>
      <Row gutter={16}>
        <Field span={12} name="done_on" label="回访日期" extra="不填为今天"><DateField /></Field>
        <Field span={12} name="officer_id" label="回访民警"><Select allowClear options={officerOptions(officers)} /></Field>
        <Field span={12} name="satisfaction" label="当事人满意度"><Select allowClear options={["满意", "基本满意", "不满意"].map((v) => ({ value: v, label: v }))} /></Field>
        <Field span={12} name="new_risks" label="发现的新风险" />
      </Row>
      <Field name="notes" label="回访情况"><Input.TextArea rows={2} /></Field>
      <SaveButton saving={saving} />
    </Form>
  );
}

/** 修改当事人, or 追加当事人 after intake (`party.add`) when no party is given. */
export function PartyForm({ party, disputeId, onSaved }: { party?: Party; disputeId?: string; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave(
    (v: PartyInput) => (party ? backend.party.update({ ...blankToNull(v), id: party.id }) : backend.party.add({ ...blankToNull(v), dispute_id: disputeId ?? "" })),
    onSaved,
  );
  const text = (name: keyof PartyInput, label: string, span = 8) => (
    <Col span={span}>
      <Field name={name} label={label}><Input data-testid={`party-edit-${name}`} /></Field>
    </Col>
  );
  const initial = party
    ? {
        role: party.role,
        kind: party.kind,
        name: party.name,
        sex: party.sex,
        ethnicity: party.ethnicity,
        birth_date: party.birth_date,
        id_number: party.id_number,
        address: party.address,
        phone: party.phone,
        legal_rep: party.legal_rep,
        guardian_name: party.guardian_name,
        guardian_relation: party.guardian_relation,
        agent_name: party.agent_name,
      }
    : { role: "respondent", kind: "person" };
  return (
    <Form {...formProps} layout="vertical" data-testid="party-form" initialValues={initial}>
      {alert}
      <Row gutter={12}>
        {!party && (
          <Field span={24} name="person_id" label="从登记人员中选择（其余信息自动带出，也可直接填写）"><PersonPicker data-testid="party-person" /></Field>
        )}
        <Field span={8} name="role" label="身份"><Select options={options(PartyRoleLabel)} /></Field>
        <Field span={8} name="kind" label="类别"><Select options={options(PartyKindLabel)} /></Field>
        {text("name", "姓名/单位名称")}
        <Field span={8} name="sex" label="性别"><Radio.Group options={options(SexLabel)} /></Field>
        {text("ethnicity", "民族")}
        <Field span={8} name="birth_date" label="出生日期"><DateField data-testid="party-edit-birth_date" /></Field>
        {text("id_number", "公民身份号码", 12)}
        {text("phone", "联系电话", 12)}
        {text("address", "住址/单位地址", 24)}
        {text("legal_rep", "法定代表人（单位）")}
        {text("guardian_name", "监护人（未满十六周岁）")}
        {text("guardian_relation", "监护关系")}
      </Row>
      <SaveButton saving={saving} testId="party-edit-save" />
    </Form>
  );
}

/** 修改纠纷信息: the case fields the agreement draws on (parties are edited one by one). */
export function DisputeEditForm({ dispute, onSaved }: StepProps) {
  type Values = { title: string; facts: string; matters: string; responsibility: string };
  const { formProps, saving, alert } = useSave((v: Values) => backend.dispute.update({ ...blankToNull(v), id: dispute.id }), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ title: dispute.title, facts: dispute.facts, matters: dispute.matters, responsibility: dispute.responsibility }}>
      {alert}
      <Field name="title" label="纠纷名称" />
      <Field name="facts" label="纠纷主要事实"><Input.TextArea rows={3} /></Field>
      <Field name="matters" label="争议事项"><Input.TextArea rows={2} /></Field>
      <Field name="responsibility" label="各方责任"><Input.TextArea rows={2} /></Field>
      <SaveButton saving={saving} />
    </Form>
  );
}

/** 移交 (where to) or 撤回 (why). */
export function SimpleStep({ dispute, action, onSaved }: StepProps & { action: "refer" | "withdraw" }) {
  const { formProps, saving, alert } = useSave(
    (v: { referred_to: string; reason: string }) =>
      action === "refer" ? backend.dispute.refer({ id: dispute.id, referred_to: v.referred_to }) : backend.dispute.withdraw({ id: dispute.id, reason: v.reason || null }),
    onSaved,
  );
  return (
    <Form {...formProps} layout="vertical">
      {alert}
      {action === "refer" ? (
        <Field name="referred_to" label="移交去向" required><Input placeholder="人民法院、司法所、县局…" /></Field>
      ) : (
        <Field name="reason" label="撤回原因"><Input.TextArea rows={2} /></Field>
      )}
      <SaveButton saving={saving} label="确定" />
    </Form>
  );
}
