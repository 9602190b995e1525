import { useCallback, useState } from "react";
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from "antd";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useNavigate, useParams } from "react-router-dom";
import { backend } from "../../backend";
import type { CareEndRequest, CareNeed, CareNeedInput, CareNeedStepRequest, CarePlanDetail, CareVisitRequest, Visit } from "../../backend";
import { CareNeedKindLabel, CareNeedStatusLabel } from "../../backend/types";
import { DateField } from "../../components/DateField";
import { Field } from "../../components/Field";
import { blankToNull } from "../../components/formErrors";
import { options } from "../../components/options";
import { officerOptions, useOfficers } from "../../components/refs";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { CareForm } from "./CareForm";
import { DueTag } from "./CareScreen";

const NEED_KINDS = options(CareNeedKindLabel);

/** 记录走访 against the plan, with a need found on the way if any. */
function VisitForm({ planId, onSaved }: { planId: string; onSaved: () => void }) {
  const officers = useOfficers();
  const { formProps, saving, alert } = useSave((v: Omit<CareVisitRequest, "id">) => backend.care.visit({ id: planId, ...blankToNull(v) }), onSaved);
  return (
    <Form {...formProps} layout="vertical" name="care-visit" data-testid="care-visit-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="visited_on" label="走访日期" extra="默认今天">
          <DateField />
        </Field>
        <Field span={12} name="officer_id" label="走访民警" extra="默认结对民警">
          <Select allowClear options={officerOptions(officers)} />
        </Field>
        <Field span={24} name="notes" label="走访情况" extra="不填则记为“按结对帮扶计划上门走访，情况正常”">
          <Input.TextArea rows={2} data-testid="care-visit-notes" />
        </Field>
        <Field span={8} name="need_kind" label="发现的需求类别">
          <Select allowClear options={NEED_KINDS} />
        </Field>
        <Field span={16} name="need" label="发现的需求">
          <Input data-testid="care-visit-need" />
        </Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="care-visit-save">
        登记走访
      </Button>
    </Form>
  );
}

/** 登记帮扶需求. */
function NeedForm({ planId, onSaved }: { planId: string; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: Omit<CareNeedInput, "care_plan_id">) => backend.care.addNeed({ care_plan_id: planId, ...blankToNull(v) }), onSaved);
  return (
    <Form {...formProps} layout="vertical" name="care-need" initialValues={{ kind: "subsistence_allowance" }}>
      {alert}
      <Field name="kind" label="需求类别" required>
        <Select options={NEED_KINDS} />
      </Field>
      <Field name="description" label="需求情况" required>
        <Input.TextArea rows={2} data-testid="care-need-text" />
      </Field>
      <Field name="found_on" label="发现日期" extra="默认今天">
        <DateField />
      </Field>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="care-need-save">
        保存
      </Button>
    </Form>
  );
}

/** A step of a need (已帮扶 / 不再需要) or the plan's end, with its text. */
function StepForm<V extends { id: string }>({
  id,
  field,
  label,
  send,
  onSaved,
}: {
  id: string;
  field: string;
  label: string;
  send: (v: V) => Promise<unknown>;
  onSaved: () => void;
}) {
  const { formProps, saving, alert } = useSave((v: V) => send({ ...blankToNull(v), id }), onSaved);
  return (
    <Form {...formProps} layout="vertical" name="care-step">
      {alert}
      <Field name={field} label={label} required>
        <Input.TextArea rows={2} data-testid="care-step-text" />
      </Field>
      <Field name="on" label="日期" extra="默认今天">
        <DateField />
      </Field>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="care-step-save">
        保存
      </Button>
    </Form>
  );
}

type Dialog = "visit" | "edit" | "end" | "need" | { help: CareNeed } | { drop: CareNeed } | null;

/**
 * A care plan's page: whom it is for and who is paired with them, the interval and when the
 * next visit falls, the visits made under it, the needs found and the help given. 记录走访,
 * 登记需求, 修改 and 结束计划 from here.
 */
export function CarePlanPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const { data, error, reload } = useLoad(useCallback(() => backend.care.get(id), [id]), null as CarePlanDetail | null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const done = () => {
    setDialog(null);
    reload();
  };
  if (error) return <Alert type="error" showIcon message={error} />;
  if (!data) return null;
  const p = data.plan;
  const title =
    dialog === "visit" ? "记录走访" : dialog === "edit" ? "修改帮扶计划" : dialog === "end" ? "结束帮扶计划" : dialog === "need" ? "登记帮扶需求" : dialog && "help" in dialog ? "登记帮扶情况" : "不再需要";
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="care-plan">
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate("/care")} aria-label="返回结对帮扶" />
            <span>
              {p.name ?? "（户）"}　{p.tag_label}
            </span>
            <DueTag plan={p} />
          </Space>
        }
        extra={
          !p.ended_on && (
            <Space>
              <Button type="primary" onClick={() => setDialog("visit")} data-testid="care-visit">
                记录走访
              </Button>
              <Button onClick={() => setDialog("need")} data-testid="care-need">
                登记需求
              </Button>
              <Button onClick={() => setDialog("edit")} data-testid="care-edit">
                修改
              </Button>
              <Button danger onClick={() => setDialog("end")}>
                结束计划
              </Button>
            </Space>
          )
        }
      >
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label="住址">{[p.village_name, p.group_name, p.address].filter(Boolean).join(" ")}</Descriptions.Item>
          <Descriptions.Item label="结对民警/辅警">{p.officer_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="结对志愿者">{p.volunteer_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="走访周期">每 {p.interval_days} 天</Descriptions.Item>
          <Descriptions.Item label="最近走访">{p.last_visit ?? "尚未走访"}</Descriptions.Item>
          <Descriptions.Item label="下次应走访">{p.next_due ?? "—"}</Descriptions.Item>
          <Descriptions.Item label="开始日期">{p.started_on}</Descriptions.Item>
          <Descriptions.Item label="结束" span={2}>
            {p.ended_on ? `${p.ended_on}（${p.end_reason ?? ""}）` : "—"}
          </Descriptions.Item>
          {p.notes && (
            <Descriptions.Item label="备注" span={3}>
              {p.notes}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card size="small" title={`帮扶需求（${data.needs.length}）`}>
        <Table<CareNeed>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.needs}
          onRow={() => ({ "data-testid": "care-need-row" }) as never}
          columns={[
            { title: "发现日期", dataIndex: "found_on", width: 110 },
            { title: "类别", dataIndex: "kind", width: 150, render: (k: CareNeed["kind"]) => CareNeedKindLabel[k] },
            { title: "需求情况", dataIndex: "description" },
            { title: "代办", dataIndex: "errand_summary", width: 160, render: (s: string | null) => s ?? "" },
            {
              title: "状态",
              width: 110,
              render: (_, n) => <Tag color={n.status === "open" ? "gold" : n.status === "helped" ? "green" : undefined}>{CareNeedStatusLabel[n.status]}</Tag>,
            },
            { title: "帮扶情况", render: (_, n) => (n.help ? `${n.help}${n.closed_on ? `（${n.closed_on}）` : ""}` : "") },
            {
              title: "",
              width: 170,
              render: (_, n) =>
                n.status === "open" ? (
                  <Space>
                    <Button size="small" onClick={() => setDialog({ help: n })} data-testid="care-need-help">
                      已帮扶
                    </Button>
                    <Button size="small" onClick={() => setDialog({ drop: n })}>
                      不再需要
                    </Button>
                  </Space>
                ) : (
                  <Button size="small" type="link" onClick={() => void backend.care.reopenNeed({ id: n.id }).then(reload)}>
                    重新打开
                  </Button>
                ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={`走访记录（${data.visits.length}）`}>
        <Table<Visit>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.visits}
          onRow={() => ({ "data-testid": "care-visit-row" }) as never}
          columns={[
            { title: "走访日期", dataIndex: "visited_on", width: 110 },
            { title: "走访民警", dataIndex: "officer_name", width: 120 },
            { title: "走访情况", dataIndex: "notes" },
            { title: "发现的需求", dataIndex: "needs" },
          ]}
        />
        <Typography.Text type="secondary">走访记录也在该户的户卡上。</Typography.Text>
      </Card>
      <Modal open={dialog !== null} title={title} footer={null} onCancel={() => setDialog(null)} destroyOnHidden width={dialog === "edit" ? 720 : 560}>
        {dialog === "visit" && <VisitForm planId={p.id} onSaved={done} />}
        {dialog === "need" && <NeedForm planId={p.id} onSaved={done} />}
        {dialog === "edit" && <CareForm plan={p} onSaved={done} />}
        {dialog === "end" && (
          <StepForm<CareEndRequest> id={p.id} field="reason" label="结束原因（搬离、去世、不再需要…）" send={backend.care.end} onSaved={done} />
        )}
        {dialog && typeof dialog === "object" && "help" in dialog && (
          <StepForm<CareNeedStepRequest> id={dialog.help.id} field="help" label="帮扶情况" send={backend.care.helpNeed} onSaved={done} />
        )}
        {dialog && typeof dialog === "object" && "drop" in dialog && (
          <StepForm<CareNeedStepRequest> id={dialog.drop.id} field="help" label="为何不再需要" send={backend.care.dropNeed} onSaved={done} />
        )}
      </Modal>
    </Space>
  );
}
