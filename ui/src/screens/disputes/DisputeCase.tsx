import { useCallback, useEffect, useState } from "react";
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from "antd";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useNavigate, useParams } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type {
  AgreementInput,
  Dispute,
  DisputeAction,
  FollowUpInput,
  FulfilmentInput,
  MediationInput,
  Officer,
  Party,
  PartyInput,
} from "../../backend";
import {
  AgreementKindLabel,
  MediationLevelLabel,
  MediationOutcomeLabel,
  PartyKindLabel,
  PartyRoleLabel,
  SexLabel,
} from "../../backend/types";
import { blankToNull, showError } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { PrintButton } from "../../components/FileActions";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { PersonPicker } from "../../components/PersonPicker";
import { yuan } from "../../components/money";

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));
const LEVEL_COLOR: Record<string, string> = { initial: "blue", review: "orange", joint: "red" };

/** A form in a modal that sends one api request and shows refusals under the fields. */
function useStepForm<T extends object>(send: (v: T) => Promise<Dispute>, done: (d: Dispute) => void) {
  const [form] = Form.useForm<T>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (values: T) => {
    setSaving(true);
    setError(null);
    try {
      done(await send(values));
    } catch (e) {
      setError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };
  return { form, saving, error, submit };
}

function MediationForm({ dispute, officers, onSaved }: { dispute: Dispute; officers: Officer[]; onSaved: (d: Dispute) => void }) {
  const f = useStepForm<MediationInput>(
    (v) => backend.mediation.add(blankToNull({ ...v, dispute_id: dispute.id, mediators: v.mediators ?? [], officer_ids: v.officer_ids ?? [] })),
    onSaved,
  );
  const next = dispute.mediations.length === 0 ? "initial" : dispute.mediations[dispute.mediations.length - 1].level;
  return (
    <Form form={f.form} layout="vertical" onFinish={f.submit} initialValues={{ level: next }} data-testid="mediation-form">
      {f.error && <Alert type="error" showIcon message={f.error} style={{ marginBottom: 16 }} />}
      <Row gutter={16}>
        <Col span={12}>
          <Form.Item name="level" label="调解层级">
            <Radio.Group optionType="button" options={options(MediationLevelLabel)} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="held_on" label="调解日期" extra="不填为今天">
            <DateField />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="mediators" label="调解员" extra="输入姓名后回车，可填多人">
            <Select mode="tags" open={false} data-testid="mediation-mediators" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="presider_officer_id" label="主持民警">
            <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="place" label="调解地点">
            <Input />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="recorder" label="记录人">
            <Input />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="record" label="调解记录">
            <Input.TextArea rows={3} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="outcome" label="调解结果" required>
            <Radio.Group options={options(MediationOutcomeLabel)} data-testid="mediation-outcome" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name="recording_ref" label="录音录像编号">
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Button type="primary" htmlType="submit" loading={f.saving} data-testid="mediation-save">
        保存
      </Button>
    </Form>
  );
}

/** The agreement editor: the draft's fields, and beside them what the core says is missing. */
function AgreementEditor({ dispute, officers, onSaved }: { dispute: Dispute; officers: Officer[]; onSaved: (d: Dispute) => void }) {
  const a = dispute.agreement;
  const [finalising, setFinalising] = useState(false);
  const [finaliseError, setFinaliseError] = useState<string | null>(null);
  const f = useStepForm<AgreementInput>((v) => backend.agreement.save({ ...blankToNull(v), mediators: v.mediators ?? [], dispute_id: dispute.id }), onSaved);
  const canFinalise = dispute.next_actions.some((x) => x.action === "finalise_agreement");

  const finalise = async () => {
    setFinalising(true);
    setFinaliseError(null);
    try {
      // Save what is typed first, so nothing entered is lost and the check sees it.
      const saved = await backend.agreement.save({ ...blankToNull(f.form.getFieldsValue()), mediators: f.form.getFieldValue("mediators") ?? [], dispute_id: dispute.id });
      onSaved(saved);
      onSaved(await backend.agreement.finalise(dispute.id));
    } catch (e) {
      setFinaliseError(showError(f.form, e));
    } finally {
      setFinalising(false);
    }
  };

  return (
    <Row gutter={16}>
      <Col span={16}>
        <Form
          form={f.form}
          layout="vertical"
          onFinish={f.submit}
          data-testid="agreement-form"
          initialValues={
            a
              ? {
                  kind: a.kind,
                  terms: a.terms,
                  performance_method: a.performance_method,
                  performance_place: a.performance_place,
                  performance_deadline: a.performance_deadline,
                  copies: a.copies,
                  mediators: a.mediators,
                  recorder: a.recorder,
                  presider_officer_id: a.presider_officer_id,
                  effective_on: a.effective_on,
                  issuer: a.issuer,
                }
              : { kind: dispute.track }
          }
        >
          {(f.error || finaliseError) && <Alert type="error" showIcon message={f.error ?? finaliseError} style={{ marginBottom: 16 }} />}
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="kind" label="协议类型">
                <Select options={options(AgreementKindLabel)} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="effective_on" label="生效日期">
                <DateField data-testid="agreement-effective-on" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="copies" label="份数">
                <InputNumber min={1} max={20} style={{ width: "100%" }} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="terms" label="协议内容">
                <Input.TextArea rows={4} data-testid="agreement-terms" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="performance_method" label="履行方式">
                <Input data-testid="agreement-method" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="performance_place" label="履行地点">
                <Input data-testid="agreement-place" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="performance_deadline" label="履行期限">
                <DateField data-testid="agreement-deadline" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="mediators" label="调解员" extra="输入姓名后回车">
                <Select mode="tags" open={false} data-testid="agreement-mediators" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="recorder" label="记录人">
                <Input data-testid="agreement-recorder" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name="presider_officer_id" label="主持民警">
                <Select allowClear options={officers.map((o) => ({ value: o.id, label: o.name }))} />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name="issuer" label="调解委员会/调解机关（不同于警务室设置时填写）">
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Space>
            <Button htmlType="submit" loading={f.saving} data-testid="agreement-save">
              保存草稿
            </Button>
            {canFinalise && (
              <Button type="primary" loading={finalising} onClick={() => void finalise()} data-testid="agreement-finalise">
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

function FulfilmentForm({ dispute, onSaved }: { dispute: Dispute; onSaved: (d: Dispute) => void }) {
  const f = useStepForm<FulfilmentInput>((v) => backend.fulfilment.record(blankToNull({ ...v, dispute_id: dispute.id })), onSaved);
  return (
    <Form form={f.form} layout="vertical" onFinish={f.submit} initialValues={{ fulfilled: true }}>
      {f.error && <Alert type="error" showIcon message={f.error} style={{ marginBottom: 16 }} />}
      <Form.Item name="fulfilled" label="履行情况">
        <Radio.Group options={[{ value: true, label: "已履行完毕" }, { value: false, label: "逾期未履行" }]} />
      </Form.Item>
      <Form.Item name="on" label="日期" extra="不填为今天">
        <DateField />
      </Form.Item>
      <Form.Item name="note" label="说明">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={f.saving}>
        保存
      </Button>
    </Form>
  );
}

function FollowUpForm({ dispute, officers, onSaved }: { dispute: Dispute; officers: Officer[]; onSaved: (d: Dispute) => void }) {
  const f = useStepForm<FollowUpInput>((v) => backend.followup.record(blankToNull({ ...v, dispute_id: dispute.id })), onSaved);
  return (
    <Form form={f.form} layout="vertical" onFinish={f.submit} initialValues={{ held: true }}>
      {f.error && <Alert type="error" showIcon message={f.error} style={{ marginBottom: 16 }} />}
      <Form.Item name="held" label="协议是否履行、纠纷是否平息">
        <Radio.Group options={[{ value: true, label: "是" }, { value: false, label: "否" }]} />
      </Form.Item>
      <Form.Item name="done_on" label="回访日期" extra="不填为今天">
        <DateField />
      </Form.Item>
      <Form.Item name="officer_id" label="回访民警">
        <Select allowClear options={officers.filter((o) => o.active).map((o) => ({ value: o.id, label: o.name }))} />
      </Form.Item>
      <Form.Item name="satisfaction" label="当事人满意度">
        <Select allowClear options={["满意", "基本满意", "不满意"].map((v) => ({ value: v, label: v }))} />
      </Form.Item>
      <Form.Item name="new_risks" label="发现的新风险">
        <Input />
      </Form.Item>
      <Form.Item name="notes" label="回访情况">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={f.saving}>
        保存
      </Button>
    </Form>
  );
}

/** 修改当事人, or 追加当事人 after intake (`party.add`) when no party is given. */
export function PartyForm({ party, disputeId, onSaved }: { party?: Party; disputeId?: string; onSaved: () => void }) {
  const [form] = Form.useForm<PartyInput>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: PartyInput) => {
    setSaving(true);
    setError(null);
    try {
      if (party) await backend.party.update({ ...blankToNull(v), id: party.id });
      else await backend.party.add({ ...blankToNull(v), dispute_id: disputeId ?? "" });
      onSaved();
    } catch (e) {
      setError(showError(form, e));
    } finally {
      setSaving(false);
    }
  };
  const text = (name: keyof PartyInput, label: string, span = 8) => (
    <Col span={span}>
      <Form.Item name={name} label={label}>
        <Input data-testid={`party-edit-${name}`} />
      </Form.Item>
    </Col>
  );
  return (
    <Form
      form={form}
      layout="vertical"
      onFinish={submit}
      data-testid="party-form"
      initialValues={
        party
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
          : { role: "respondent", kind: "person" }
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Row gutter={12}>
        {!party && (
          <Col span={24}>
            <Form.Item name="person_id" label="从登记人员中选择（其余信息自动带出，也可直接填写）">
              <PersonPicker data-testid="party-person" />
            </Form.Item>
          </Col>
        )}
        <Col span={8}>
          <Form.Item name="role" label="身份">
            <Select options={options(PartyRoleLabel)} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="kind" label="类别">
            <Select options={options(PartyKindLabel)} />
          </Form.Item>
        </Col>
        {text("name", "姓名/单位名称")}
        <Col span={8}>
          <Form.Item name="sex" label="性别">
            <Radio.Group options={options(SexLabel)} />
          </Form.Item>
        </Col>
        {text("ethnicity", "民族")}
        <Col span={8}>
          <Form.Item name="birth_date" label="出生日期">
            <DateField data-testid="party-edit-birth_date" />
          </Form.Item>
        </Col>
        {text("id_number", "公民身份号码", 12)}
        {text("phone", "联系电话", 12)}
        {text("address", "住址/单位地址", 24)}
        {text("legal_rep", "法定代表人（单位）")}
        {text("guardian_name", "监护人（未满十六周岁）")}
        {text("guardian_relation", "监护关系")}
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="party-edit-save">
        保存
      </Button>
    </Form>
  );
}

/** 修改纠纷信息: the case fields the agreement draws on (parties are edited one by one). */
function DisputeEditForm({ dispute, onSaved }: { dispute: Dispute; onSaved: (d: Dispute) => void }) {
  const f = useStepForm<{ title: string; facts: string; matters: string; responsibility: string }>(
    (v) => backend.dispute.update({ ...blankToNull(v), id: dispute.id }),
    onSaved,
  );
  return (
    <Form
      form={f.form}
      layout="vertical"
      onFinish={f.submit}
      initialValues={{ title: dispute.title, facts: dispute.facts, matters: dispute.matters, responsibility: dispute.responsibility }}
    >
      {f.error && <Alert type="error" showIcon message={f.error} style={{ marginBottom: 16 }} />}
      <Form.Item name="title" label="纠纷名称">
        <Input />
      </Form.Item>
      <Form.Item name="facts" label="纠纷主要事实">
        <Input.TextArea rows={3} />
      </Form.Item>
      <Form.Item name="matters" label="争议事项">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Form.Item name="responsibility" label="各方责任">
        <Input.TextArea rows={2} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={f.saving}>
        保存
      </Button>
    </Form>
  );
}

function SimpleStep({ dispute, action, onSaved }: { dispute: Dispute; action: "refer" | "withdraw"; onSaved: (d: Dispute) => void }) {
  const f = useStepForm<{ referred_to: string; reason: string }>(
    (v) => (action === "refer" ? backend.dispute.refer({ id: dispute.id, referred_to: v.referred_to }) : backend.dispute.withdraw({ id: dispute.id, reason: v.reason || null })),
    onSaved,
  );
  return (
    <Form form={f.form} layout="vertical" onFinish={f.submit}>
      {f.error && <Alert type="error" showIcon message={f.error} style={{ marginBottom: 16 }} />}
      {action === "refer" ? (
        <Form.Item name="referred_to" label="移交去向" required>
          <Input placeholder="人民法院、司法所、县局…" />
        </Form.Item>
      ) : (
        <Form.Item name="reason" label="撤回原因">
          <Input.TextArea rows={2} />
        </Form.Item>
      )}
      <Button type="primary" htmlType="submit" loading={f.saving}>
        确定
      </Button>
    </Form>
  );
}

type Step = Exclude<DisputeAction, "save_agreement" | "finalise_agreement">;

/** One dispute's case file: parties, the mediation timeline, the agreement, fulfilment and follow-ups. */
export function DisputeCase() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [dispute, setDispute] = useState<Dispute | null>(null);
  const [officers, setOfficers] = useState<Officer[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [editingParty, setEditingParty] = useState<Party | null>(null);
  const [addingParty, setAddingParty] = useState(false);

  const load = useCallback(() => {
    backend.dispute.get(id).then(setDispute, (e) => setError(toBackendError(e).message));
  }, [id]);
  useEffect(load, [load]);
  useEffect(() => {
    backend.officer.list().then(setOfficers, () => {});
  }, []);

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!dispute) return <Skeleton active />;
  const saved = (d: Dispute) => {
    setDispute(d);
    setStep(null);
  };
  const agreementOpen = dispute.next_actions.some((a) => a.action === "save_agreement") || dispute.agreement !== null;
  const stepButtons = dispute.next_actions.filter((a) => !["save_agreement", "finalise_agreement"].includes(a.action));

  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="dispute-case">
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate("/disputes")} aria-label="返回" />
            <span>{dispute.title}</span>
            <DisputeStatusTag status={dispute.status} label={dispute.status_label} data-testid="dispute-status" />
          </Space>
        }
        extra={
          <Space wrap>
            <PrintButton
              what="受理登记表"
              suggested={`调解登记表-${dispute.title}.pdf`}
              write={(path) => backend.pdf.intake({ dispute_id: dispute.id, path })}
              data-testid="print-intake"
            />
            {dispute.agreement?.finalised_at && (
              <PrintButton
                what="协议书"
                suggested={`调解协议书-${dispute.agreement.number ?? dispute.title}.pdf`}
                write={(path) => backend.pdf.agreement({ dispute_id: dispute.id, path })}
                data-testid="print-agreement"
                type="primary"
              />
            )}
            {stepButtons.map((a) => (
              <Button key={a.action} onClick={() => setStep(a.action as Step)} data-testid={`action-${a.action}`}>
                {a.label}
              </Button>
            ))}
          </Space>
        }
      >
        <Descriptions size="small" column={4}>
          <Descriptions.Item label="受理日期">{dispute.received_on}</Descriptions.Item>
          <Descriptions.Item label="纠纷类型">{dispute.kind_label}</Descriptions.Item>
          <Descriptions.Item label="村（社区）">{dispute.village_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="承办民警">{dispute.officer_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="涉及金额">{yuan(dispute.amount_involved)}</Descriptions.Item>
          <Descriptions.Item label="协议编号">{dispute.agreement?.number ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="争议事项" span={2}>
            {dispute.matters ?? "—"}
          </Descriptions.Item>
          <Descriptions.Item label="主要事实" span={4}>
            {dispute.facts ?? "—"}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        size="small"
        title={`当事人（${dispute.parties.length}）`}
        extra={
          dispute.next_actions.some((a) => a.action === "update") && (
            <Button size="small" onClick={() => setAddingParty(true)} data-testid="party-add">
              追加当事人
            </Button>
          )
        }
      >
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={dispute.parties}
          columns={[
            { title: "身份", dataIndex: "role_label", width: 100 },
            { title: "姓名/单位", dataIndex: "name", width: 120 },
            { title: "性别", dataIndex: "sex", width: 60, render: (s) => (s ? SexLabel[s as "male"] : "") },
            { title: "年龄", dataIndex: "age", width: 60 },
            { title: "公民身份号码", dataIndex: "id_number", width: 180 },
            { title: "电话", dataIndex: "phone", width: 130 },
            { title: "住址", dataIndex: "address" },
            {
              title: "",
              width: 70,
              render: (_, p) =>
                dispute.next_actions.some((a) => a.action === "update") && (
                  <Button size="small" onClick={() => setEditingParty(p)} data-testid="party-edit">
                    修改
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Row gutter={16}>
        <Col span={10}>
          <Card size="small" title="调解经过（初调 → 复调 → 联调）" data-testid="mediation-timeline">
            {dispute.mediations.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未调解" />
            ) : (
              <Timeline
                items={dispute.mediations.map((m) => ({
                  color: LEVEL_COLOR[m.level],
                  children: (
                    <div>
                      <Space>
                        <Tag color={LEVEL_COLOR[m.level]}>{m.level_label}</Tag>
                        <Typography.Text strong>{m.held_on}</Typography.Text>
                        <span>{m.outcome_label}</span>
                      </Space>
                      <div>
                        <Typography.Text type="secondary">
                          调解员：{m.mediators.join("、") || "—"}
                          {m.presider_name ? `；主持民警：${m.presider_name}` : ""}
                        </Typography.Text>
                      </div>
                      {m.record && <div>{m.record}</div>}
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
        <Col span={14}>
          <Card size="small" title="回访" style={{ marginBottom: 16 }}>
            {dispute.follow_ups.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="协议生效后安排回访" />
            ) : (
              <List
                size="small"
                dataSource={dispute.follow_ups}
                renderItem={(f) => (
                  <List.Item>
                    <span>应回访 {f.due_on}</span>
                    <span>{f.done_on ? `已回访 ${f.done_on}（${f.held ? "协议履行、纠纷平息" : "未平息"}）` : <Tag color="orange">待回访</Tag>}</span>
                    {f.done_on && (
                      <PrintButton
                        what="回访记录"
                        suggested={`回访记录-${dispute.title}-${f.done_on}.pdf`}
                        write={(path) => backend.pdf.followUp({ follow_up_id: f.id, path })}
                        size="small"
                        data-testid={`print-followup-${f.id}`}
                      />
                    )}
                  </List.Item>
                )}
              />
            )}
          </Card>
          {dispute.agreement?.finalised_at && (
            <Card size="small" title="履行">
              <Descriptions size="small" column={2}>
                <Descriptions.Item label="履行期限">{dispute.agreement.performance_deadline ?? "—"}</Descriptions.Item>
                <Descriptions.Item label="履行完毕">{dispute.agreement.fulfilled_on ?? "—"}</Descriptions.Item>
                <Descriptions.Item label="未履行登记">{dispute.agreement.defaulted_on ?? "—"}</Descriptions.Item>
                <Descriptions.Item label="说明">{dispute.agreement.fulfilment_note ?? "—"}</Descriptions.Item>
              </Descriptions>
            </Card>
          )}
        </Col>
      </Row>
      {agreementOpen && (
        <Card size="small" title={dispute.agreement?.finalised_at ? `调解协议 ${dispute.agreement.number ?? ""}（已生效）` : "调解协议（草稿）"}>
          {dispute.agreement?.finalised_at ? (
            <Descriptions size="small" column={2} data-testid="agreement-final">
              <Descriptions.Item label="协议类型">{dispute.agreement.kind_label}</Descriptions.Item>
              <Descriptions.Item label="文书编号">{dispute.agreement.number ?? "—"}</Descriptions.Item>
              <Descriptions.Item label="协议内容" span={2}>
                {dispute.agreement.terms}
              </Descriptions.Item>
              <Descriptions.Item label="履行方式">{dispute.agreement.performance_method}</Descriptions.Item>
              <Descriptions.Item label="履行期限">{dispute.agreement.performance_deadline}</Descriptions.Item>
            </Descriptions>
          ) : (
            <AgreementEditor dispute={dispute} officers={officers} onSaved={setDispute} />
          )}
        </Card>
      )}
      <Modal open={editingParty !== null} title="修改当事人" footer={null} width={720} onCancel={() => setEditingParty(null)} destroyOnHidden>
        {editingParty && (
          <PartyForm
            party={editingParty}
            onSaved={() => {
              setEditingParty(null);
              load();
            }}
          />
        )}
      </Modal>
      <Modal open={addingParty} title="追加当事人" footer={null} width={720} onCancel={() => setAddingParty(false)} destroyOnHidden>
        <PartyForm
          disputeId={dispute.id}
          onSaved={() => {
            setAddingParty(false);
            load();
          }}
        />
      </Modal>
      <Modal open={step !== null} title={stepButtons.find((a) => a.action === step)?.label} footer={null} width={720} onCancel={() => setStep(null)} destroyOnHidden>
        {step === "update" && <DisputeEditForm dispute={dispute} onSaved={saved} />}
        {step === "mediate" && <MediationForm dispute={dispute} officers={officers} onSaved={saved} />}
        {step === "record_fulfilment" && <FulfilmentForm dispute={dispute} onSaved={saved} />}
        {step === "record_follow_up" && <FollowUpForm dispute={dispute} officers={officers} onSaved={saved} />}
        {(step === "refer" || step === "withdraw") && <SimpleStep dispute={dispute} action={step} onSaved={saved} />}
      </Modal>
    </Space>
  );
}
