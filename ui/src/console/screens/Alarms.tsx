import { useCallback, useState } from "react";
import { App, Button, Card, Form, Input, Modal, Space, Switch, Table, Tag } from "antd";
import type { AuditAlarm } from "../../backend/types";
import { hq } from "../api";
import { ErrorLine } from "../ConsoleApp";
import { usePaged } from "../paging";
import { isAdmin, useSession } from "../role";
import { useAction, when } from "./common";

/**
 * 审计告警: a post's audit chain no longer matches what HQ anchored (rewritten, or cut back
 * by a restored backup). The county admin marks one seen once the cause is known, saying
 * what it was; it stays on record.
 */
export function AlarmsScreen() {
  const { message } = App.useApp();
  const session = useSession();
  const [all, setAll] = useState(false);
  const [seeing, setSeeing] = useState<AuditAlarm | null>(null);
  const { busy, error, setError, run } = useAction();
  const [form] = Form.useForm<{ reason: string }>();
  const load = useCallback((page: number, page_size: number) => hq.alarms({ all, page, page_size }), [all]);
  const list = usePaged<AuditAlarm>(load);
  const submit = async ({ reason }: { reason: string }) => {
    if (!seeing) return;
    await run(async () => {
      await hq.alarmSeen({ id: seeing.id, reason });
      message.success(`第 ${seeing.id} 号告警已标记为已处理`);
      setSeeing(null);
      form.resetFields();
      list.reload();
    });
  };
  return (
    <Card
      size="small"
      title="审计告警"
      extra={
        <Space>
          <Switch checked={all} onChange={setAll} data-testid="alarms-all" /> 含已处理
        </Space>
      }
    >
      <ErrorLine error={list.error} />
      <Table<AuditAlarm>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        data-testid="alarms"
        locale={{ emptyText: "各警务室的审计日志与县局留存的锚点一致" }}
        columns={[
          { title: "编号", dataIndex: "id", width: 70 },
          { title: "发现时间", dataIndex: "detected_at", width: 150, render: when },
          { title: "警务室", dataIndex: "post_name", width: 160 },
          { title: "情况", dataIndex: "message" },
          {
            title: "",
            width: 120,
            render: (_, a) =>
              a.seen_at ? (
                <Tag>已处理 {when(a.seen_at)}</Tag>
              ) : (
                isAdmin(session) && (
                  <Button size="small" onClick={() => setSeeing(a)} data-testid="alarm-seen">
                    标记已处理
                  </Button>
                )
              ),
          },
        ]}
      />
      <Modal
        title={seeing ? `第 ${seeing.id} 号告警：${seeing.post_name}` : ""}
        open={!!seeing}
        okText="标记已处理"
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => (setSeeing(null), setError(null))}
        destroyOnHidden
      >
        <ErrorLine error={error} />
        <p>{seeing?.message}</p>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="reason" label="查明的原因" rules={[{ required: true, message: "请写明查明的原因" }]}>
            <Input.TextArea rows={3} placeholder="如：警务室 11 月 20 日从备份恢复了数据库" data-testid="alarm-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
