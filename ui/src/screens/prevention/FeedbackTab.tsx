import { useCallback, useState } from "react";
import { Alert, Button, Card, Checkbox, Form, Input, Modal, Row, Select, Space, Switch, Table, Tag } from "antd";
import { backend } from "../../backend";
import type { AnswerFeedback, Feedback, FeedbackChannel, FeedbackInput } from "../../backend";
import { FeedbackChannelLabel } from "../../backend/types";
import { blankToNull } from "../../components/formErrors";
import { DateField } from "../../components/DateField";
import { options } from "../../components/options";
import { useLoad } from "../../components/useLoad";
import { useSave } from "../../components/useSave";
import { useRefs, LedgerActions } from "./common";
import { Field } from "../../components/Field";

type Refs = ReturnType<typeof useRefs>;

export function FeedbackForm({ refs, onSaved }: { refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: FeedbackInput) => backend.feedback.create(blankToNull(v)), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ channel: "opinion_box" }} data-testid="feedback-form">
      {alert}
      <Row gutter={16}>
        <Field span={12} name="channel" label="渠道" required><Select options={options(FeedbackChannelLabel)} /></Field>
        <Field span={12} name="received_on" label="收到日期（不填为今天）"><DateField /></Field>
        <Field span={24} name="content" label="内容" required><Input.TextArea rows={3} data-testid="feedback-content" /></Field>
        <Field span={8} name="from_name" label="反映人（可不填）" />
        <Field span={8} name="from_phone" label="反映人电话" />
        <Field span={8} name="village_id" label="村（社区）"><Select allowClear options={refs.villageOptions} /></Field>
      </Row>
      <div className="fq-form-actions">
        <Button type="primary" htmlType="submit" loading={saving} data-testid="feedback-save">
          保存
        </Button>
      </div>
    </Form>
  );
}

export function AnswerForm({ feedback, refs, onSaved }: { feedback: Feedback; refs: Refs; onSaved: () => void }) {
  const { formProps, saving, alert } = useSave((v: AnswerFeedback) => backend.feedback.answer({ ...blankToNull(v), id: feedback.id, answer: v.answer ?? "", close: v.close ?? true }), onSaved);
  return (
    <Form {...formProps} layout="vertical" initialValues={{ answer: feedback.answer ?? "", close: true }} data-testid="answer-form">
      {alert}
      <p>{feedback.content}</p>
      <Field name="answer" label="答复内容" required><Input.TextArea rows={3} data-testid="answer-text" /></Field>
      <Row gutter={16}>
        <Field span={12} name="officer_id" label="答复民警"><Select allowClear options={refs.officerOptions} /></Field>
        <Field span={12} name="close" valuePropName="checked" label=" "><Checkbox>答复后办结</Checkbox></Field>
      </Row>
      <Button type="primary" htmlType="submit" loading={saving} data-testid="answer-save">
        答复
      </Button>
    </Form>
  );
}

/** 意见: the opinion box and 警民恳谈, answered and closed. */
export function FeedbackTab() {
  const refs = useRefs();
  const [openOnly, setOpenOnly] = useState(false);
  const list = useLoad(useCallback(() => backend.feedback.list({ open_only: openOnly }), [openOnly]), []);
  const [editing, setEditing] = useState<"new" | Feedback | null>(null);
  const done = () => {
    setEditing(null);
    list.reload();
  };
  return (
    <Card
      size="small"
      title={
        <Space>
          群众意见
          <Space style={{ fontWeight: "normal" }}>
            <Switch checked={openOnly} onChange={setOpenOnly} aria-label="只看未办结" />
            只看未办结
          </Space>
        </Space>
      }
      extra={<LedgerActions kind="feedback" addLabel="登记意见" onAdd={() => setEditing("new")} addTestId="new-feedback" />}
    >
      {list.error && <Alert type="error" showIcon message={list.error} />}
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data}
        pagination={{ pageSize: 12, showSizeChanger: false, showTotal: (t) => `共 ${t} 条` }}
        columns={[
          { title: "收到日期", dataIndex: "received_on", width: 105 },
          { title: "渠道", dataIndex: "channel", width: 90, render: (c: FeedbackChannel) => FeedbackChannelLabel[c] },
          { title: "内容", dataIndex: "content", ellipsis: true },
          { title: "反映人", dataIndex: "from_name", width: 90, render: (n) => n ?? "匿名" },
          { title: "答复", dataIndex: "answer", width: 200, ellipsis: true },
          { title: "状态", dataIndex: "closed", width: 80, render: (c: boolean) => (c ? <Tag color="green">已办结</Tag> : <Tag color="orange">待办</Tag>) },
          {
            title: "",
            width: 70,
            render: (_, f) =>
              !f.closed && (
                <Button size="small" onClick={() => setEditing(f)} data-testid={`answer-${f.id}`}>
                  答复
                </Button>
              ),
          },
        ]}
      />
      <Modal open={editing === "new"} title="登记群众意见" footer={null} width={640} onCancel={() => setEditing(null)} destroyOnHidden>
        <FeedbackForm refs={refs} onSaved={done} />
      </Modal>
      <Modal open={typeof editing === "object" && editing !== null} title="答复群众意见" footer={null} width={560} onCancel={() => setEditing(null)} destroyOnHidden>
        {typeof editing === "object" && editing !== null && <AnswerForm feedback={editing} refs={refs} onSaved={done} />}
      </Modal>
    </Card>
  );
}
