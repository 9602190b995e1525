import { useCallback, useEffect, useState } from "react";
import { Alert, Button, Card, Col, Descriptions, Empty, List, Modal, Popconfirm, Row, Skeleton, Space, Table, Tag, Timeline, Typography } from "antd";
import type { ButtonProps } from "antd";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { Link, useNavigate, useParams } from "react-router-dom";
import { backend, toBackendError } from "../../backend";
import type { Dispute, DisputeAction, Party } from "../../backend";
import { DisputeSourceLabel, GradeLabel, SexLabel } from "../../backend/types";
import { PrintButton } from "../../components/FileActions";
import { DisputeStatusTag } from "../../components/DisputeStatusTag";
import { useOfficers } from "../../components/refs";
import { yuan } from "../../components/money";
import { AgreementEditor, DisputeEditForm, FollowUpForm, FulfilmentForm, MediationForm, PartyForm, SimpleStep } from "./DisputeForms";
import { DisputeRisk } from "./DisputeRisk";
import { Attachments } from "../../components/Attachments";

const LEVEL_COLOR: Record<string, string> = { initial: "blue", review: "orange", joint: "red" };

type Step = Exclude<DisputeAction, "save_agreement" | "finalise_agreement">;

/** One dispute's case file: parties, the mediation timeline, the agreement, fulfilment and follow-ups. */
export function DisputeCase() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const [dispute, setDispute] = useState<Dispute | null>(null);
  const officers = useOfficers();
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<Step | null>(null);
  const [editingParty, setEditingParty] = useState<Party | null>(null);
  const [addingParty, setAddingParty] = useState(false);
  const [partyError, setPartyError] = useState<string | null>(null);

  const load = useCallback(() => {
    backend.dispute.get(id).then(setDispute, (e) => setError(toBackendError(e).message));
  }, [id]);
  useEffect(load, [load]);

  if (error) return <Alert type="error" showIcon message={error} />;
  if (!dispute) return <Skeleton active />;
  const saved = (d: Dispute) => {
    setDispute(d);
    setStep(null);
  };
  const drafting = dispute.next_actions.some((a) => a.action === "save_agreement");
  const agreementOpen = drafting || dispute.agreement !== null;
  // Settled again after a follow-up found the agreement did not hold: a new agreement is drafted.
  const inEffect = dispute.agreement?.finalised_at && !drafting ? dispute.agreement : null;
  const deleteParty = async (p: Party) => {
    try {
      setDispute(await backend.party.delete(p.id));
      setPartyError(null);
    } catch (e) {
      setPartyError(toBackendError(e).message);
    }
  };
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
        <Descriptions size="small" column={4} data-testid="dispute-facts">
          <Descriptions.Item label="受理日期">{dispute.received_on}</Descriptions.Item>
          <Descriptions.Item label="纠纷类型">{dispute.kind_label}</Descriptions.Item>
          <Descriptions.Item label="来源">{DisputeSourceLabel[dispute.source]}</Descriptions.Item>
          <Descriptions.Item label="等级">{GradeLabel[dispute.grade]}</Descriptions.Item>
          <Descriptions.Item label="村（社区）">{dispute.village_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="承办民警">{dispute.officer_name ?? "—"}</Descriptions.Item>
          {/* Nothing entered is stored as 0: show it as not given, not as “0.00 元”. */}
          <Descriptions.Item label="涉及金额">{dispute.amount_involved ? yuan(dispute.amount_involved) : "—"}</Descriptions.Item>
          <Descriptions.Item label="协议编号">{dispute.agreement?.number ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="关联警情" span={4}>
            {dispute.incidents.length === 0
              ? "—"
              : dispute.incidents.map((i) => (
                  <Link key={i.id} to={`/incidents?incident=${i.id}`} style={{ marginRight: 12 }} data-testid="dispute-incident">
                    {i.occurred_at_local} {i.kind_label}（{i.place}）
                  </Link>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label="主要事实" span={4}>
            {dispute.facts ?? "—"}
          </Descriptions.Item>
          <Descriptions.Item label="争议事项" span={2}>
            {dispute.matters ?? "—"}
          </Descriptions.Item>
          <Descriptions.Item label="各方责任" span={2}>
            {dispute.responsibility ?? "—"}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <DisputeRisk dispute={dispute} />
      {dispute.session_due && (
        <Alert
          type={dispute.session_due.calendar_notice ? "warning" : "info"}
          showIcon
          style={{ marginBottom: 16 }}
          message={dispute.session_due.text}
          description={dispute.session_due.calendar_notice}
          data-testid="session-due"
        />
      )}
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
        {partyError && <Alert type="error" showIcon message={partyError} style={{ marginBottom: 8 }} />}
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
              width: 130,
              render: (_, p) =>
                dispute.next_actions.some((a) => a.action === "update") && (
                  <Space size={4}>
                    <Button size="small" onClick={() => setEditingParty(p)} data-testid="party-edit">
                      修改
                    </Button>
                    <Popconfirm
                      title={`删除误添加的当事人“${p.name}”？`}
                      okText="删除"
                      cancelText="取消"
                      okButtonProps={{ "data-testid": "party-delete-confirm" } as ButtonProps}
                      onConfirm={() => void deleteParty(p)}
                    >
                      <Button size="small" danger data-testid="party-delete">
                        删除
                      </Button>
                    </Popconfirm>
                  </Space>
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
                          {m.lawyer_names.length > 0 ? `；律师：${m.lawyer_names.join("、")}` : ""}
                        </Typography.Text>
                      </div>
                      <div data-testid="mediation-held">
                        <Typography.Text type="secondary">
                          {m.mode_label}
                          {m.centre ? `（${m.centre}）` : ""}
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
        <Card size="small" title={inEffect ? `调解协议 ${inEffect.number ?? ""}（已生效）` : "调解协议（草稿）"}>
          {inEffect ? (
            <>
            <Descriptions size="small" column={2} data-testid="agreement-final">
              <Descriptions.Item label="协议类型">{inEffect.kind_label}</Descriptions.Item>
              <Descriptions.Item label="文书编号">{inEffect.number ?? "—"}</Descriptions.Item>
              <Descriptions.Item label="协议内容" span={2}>
                {inEffect.terms}
              </Descriptions.Item>
              <Descriptions.Item label="履行方式">{inEffect.performance_method}</Descriptions.Item>
              <Descriptions.Item label="履行期限">{inEffect.performance_deadline}</Descriptions.Item>
            </Descriptions>
            <div style={{ marginTop: 12 }}>
              <Attachments owner="agreement" ownerId={inEffect.id} title="协议书扫描件（签字、捺印的原件留档）" />
            </div>
            </>
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
