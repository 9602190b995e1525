import { useCallback, useState } from "react";
import { Alert, Button, Card, Form, Input, Modal, Row, Select, Space, Switch, Table, Tag, Typography } from "antd";
import { backend } from "../../backend";
import type { Hazard, HazardFilter, HazardInput, HazardStatus, HazardStepRequest, RewardRequest } from "../../backend";
import { HazardGradeLabel, HazardKindLabel, HazardStatusLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { yuan } from "../../components/money";
import { Field } from "../../components/Field";
import { Attachments } from "../../components/Attachments";

type Refs = ReturnType<typeof useRefs>;
type Step = "verify" | "reject" | "fix" | "recheck";

const STEP_LABEL: Record<Step, string> = { verify: "核实", reject: "经核不实", fix: "登记整改", recheck: "回头看销号" };

/** The steps a hazard may take from each status (隐患清单 + 动态销号, the core's lifecycle). */
export const HAZARD_STEPS: Record<HazardStatus, Step[]> = {
  reported: ["verify", "fix", "reject"],
  verified: ["fix", "reject"],
  fixed: ["recheck"],
  closed: [],
  rejected: [],
};

/** A reward (网格红包) may be paid once, for a hazard found real. */
const rewardable = (h: Hazard) => h.reward_fen === 0 && ["verified", "fixed", "closed"].includes(h.status);

export function HazardForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: HazardInput) => backend.hazard.create(blankToNull(v)), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ grade: "general" }} data-testid="hazard-form">
      {alert}
      <Row gutter={16}>
        <Field span={16} name="place" label="地点" required><Input data-testid="hazard-place" /></Field>
        <Field span={8} name="village_id" label="村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
        <Field span={24} name="description" label="隐患描述" required><Input.TextArea rows={2} data-testid="hazard-description" /></Field>
        <Field span={8} name="kind" label="类别"><Select allowClear options={options(HazardKindLabel)} /></Field>
        <Field span={8} name="grade" label="等级"><Select options={options(HazardGradeLabel)} /></Field>
        <Field span={8} name="found_on" label="发现日期（不填为今天）"><DateField /></Field>
        <Field span={12} name="found_by_volunteer_id" label="发现人（队员）"><Select allowClear showSearch optionFilterProp="label" options={refs.volunteerOptions} /></Field>
        <Field span={12} name="found_by_name" label="发现人姓名（非队员时）" />
        <Field span={8} name="owner" label="整改责任人" />
        <Field span={8} name="owner_phone" label="责任人电话" />
        <Field span={8} name="deadline" label="整改期限"><DateField /></Field>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="hazard-save">
          保存
        </Button>
      </div>
    </Form>
  );
}

/** One step of a hazard: 核实 (deadline and owner), 经核不实, 整改, 回头看销号. */
export function HazardStepForm({ hazard, step, onSaved }: { hazard: Hazard; step: Step; onSaved: (h: Hazard) => void }) {
  const { formProps, saving, alert } = useSave((v: HazardStepRequest) => backend.hazard[step]({ ...blankToNull(v), id: hazard.id }), onSaved);
  const noteLabel = { verify: "核实情况", reject: "不实原因", fix: "整改情况", recheck: "回头看情况" }[step];
  return (
    <Form
      {...formProps}
      layout="vertical"
      initialValues={step === "verify" ? { deadline: hazard.deadline, owner: hazard.owner } : {}}
      data-testid="hazard-step-form"
    >
      {alert}
      <Typography.Paragraph>
        {hazard.place}：{hazard.description}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Field span={12} name="on" label="日期（不填为今天）"><DateField data-testid="hazard-step-on" /></Field>
        {step === "verify" && (
          <>
            <Field span={12} name="deadline" label="整改期限"><DateField data-testid="hazard-step-deadline" /></Field>
            <Field span={12} name="owner" label="整改责任人"><Input data-testid="hazard-step-owner" /></Field>
          </>
        )}
      </Row>
      <Field name="note" label={noteLabel}><Input.TextArea rows={2} data-testid="hazard-step-note" /></Field>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="hazard-step-save">
        {STEP_LABEL[step]}
      </Button>
    </Form>
  );
}

/** 发放奖励 (网格红包): typed in yuan; the core stores fen. */
export function RewardForm({ hazard, onSaved }: { hazard: Hazard; onSaved: (h: Hazard) => void }) {
  const { formProps, saving, alert } = useSave((v: RewardRequest) => backend.hazard.reward({ id: hazard.id, reward_yuan: v.reward_yuan ?? null, on: v.on ?? null }), onSaved);
  return (
    <Form {...formProps} layout="vertical" data-testid="reward-form">
      {alert}
      <Typography.Paragraph>
        {hazard.place}：{hazard.description}
        {hazard.found_by_name ? `（发现人：${hazard.found_by_name}）` : ""}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Field span={12} name="reward_yuan" label="奖励金额" required><Input addonAfter="元" placeholder="如 20" data-testid="reward-yuan" /></Field>
        <Field span={12} name="on" label="发放日期（不填为今天）"><DateField /></Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="reward-save">
        发放
      </Button>
    </Form>
  );
}

/** 隐患: the hazard list (隐患清单) with 动态销号, overdue ones highlighted, rewards in yuan. */
export function HazardsTab() {
  const refs = useRefs();
  const [filter, setFilter] = useState<HazardFilter>({});
  const hazards = useLoad(useCallback(() => backend.hazard.list(filter), [filter]), []);
  const [editing, setEditing] = useState<"new" | { hazard: Hazard; step: Step | "reward" } | null>(null);
  const [photos, setPhotos] = useState<Hazard | null>(null);
  const done = () => {
    setEditing(null);
    hazards.reload();
  };
  const set = (c: Partial<HazardFilter>) => setFilter((f) => ({ ...f, ...c }));
  const overdue = hazards.data.filter((h) => h.overdue).length;
  return (
    <Card
      size="small"
      title={
        <Space wrap>
          隐患清单
          <Select allowClear placeholder="状态" style={{ width: 120 }} options={options(HazardStatusLabel)} onChange={(v?: HazardStatus) => set({ status: v ?? null })} />
          <Select allowClear placeholder="村（社区）" style={{ width: 130 }} options={refs.villageOptions} onChange={(v?: string) => set({ village_id: v ?? null })} />
          <Space style={{ fontWeight: "normal" }}>
            <Switch checked={filter.overdue_only ?? false} onChange={(c) => set({ overdue_only: c })} aria-label="只看逾期" data-testid="hazard-overdue-only" />
            只看逾期
          </Space>
          {overdue > 0 && <Tag color="red">逾期未整改 {overdue} 处</Tag>}
        </Space>
      }
      extra={<LedgerActions kind="hazards" addLabel="登记隐患" onAdd={() => setEditing("new")} addTestId="new-hazard" />}
    >
      {hazards.error && <Alert type="error" showIcon message={hazards.error} />}
      <Table
        rowKey="id"
        size="small"
        loading={hazards.loading}
        dataSource={hazards.data}
        rowClassName={(h) => (h.overdue ? "fq-overdue" : "")}
        pagination={{ pageSize: 12, showSizeChanger: false, showTotal: (t) => `共 ${t} 处` }}
        columns={[
          { title: "发现日期", dataIndex: "found_on", width: 100 },
          { title: "地点", dataIndex: "place", width: 150, ellipsis: true },
          { title: "类别", dataIndex: "kind", width: 100, render: (k: keyof typeof HazardKindLabel) => HazardKindLabel[k] },
          { title: "隐患描述", dataIndex: "description", ellipsis: true },
          { title: "责任人", dataIndex: "owner", width: 80, render: (o: string | null) => o || "—" },
          { title: "整改期限", dataIndex: "deadline", width: 100, render: (d: string | null) => d || "—" },
          {
            title: "状态",
            dataIndex: "status",
            width: 110,
            render: (s: HazardStatus, h) => (h.overdue ? <Tag color="red">{HazardStatusLabel[s]}·逾期</Tag> : <Tag color={s === "closed" ? "green" : undefined}>{HazardStatusLabel[s]}</Tag>),
          },
          { title: "奖励", dataIndex: "reward_fen", width: 90, render: (f: number) => (f > 0 ? yuan(f) : "—") },
          {
            title: "",
            width: 300,
            render: (_, h) => (
              <Space size={4} wrap>
                {HAZARD_STEPS[h.status].map((s) => (
                  <Button key={s} size="small" onClick={() => setEditing({ hazard: h, step: s })} data-testid={`hazard-${s}-${h.id}`}>
                    {STEP_LABEL[s]}
                  </Button>
                ))}
                <Button size="small" onClick={() => setPhotos(h)} data-testid={`hazard-photos-${h.id}`}>
                  照片
                </Button>
                {rewardable(h) && (
                  <Button size="small" onClick={() => setEditing({ hazard: h, step: "reward" })} data-testid={`hazard-reward-${h.id}`}>
                    发放奖励
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={photos !== null} title={photos ? `照片：${photos.place}` : ""} footer={null} width={720} onCancel={() => setPhotos(null)} destroyOnHidden>
        {photos && <Attachments owner="hazard" ownerId={photos.id} title="整改前后照片" />}
      </Modal>
      <Modal open={editing === "new"} title="登记隐患" footer={null} width={720} onCancel={() => setEditing(null)} destroyOnHidden>
        <HazardForm refs={refs} onSaved={done} />
      </Modal>
      <Modal
        open={typeof editing === "object" && editing !== null}
        title={typeof editing === "object" && editing !== null ? (editing.step === "reward" ? "发放奖励（网格红包）" : STEP_LABEL[editing.step]) : ""}
        footer={null}
        width={560}
        onCancel={() => setEditing(null)}
        destroyOnHidden
      >
        {typeof editing === "object" && editing !== null &&
          (editing.step === "reward" ? <RewardForm hazard={editing.hazard} onSaved={done} /> : <HazardStepForm hazard={editing.hazard} step={editing.step} onSaved={done} />)}
      </Modal>
    </Card>
  );
}
