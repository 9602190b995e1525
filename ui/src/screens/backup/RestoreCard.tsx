import { useState } from "react";
import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Typography } from "antd";
import { backend, toBackendError } from "../../backend";
import type { BackupReport } from "../../backend";
import { dialogs } from "../../backend/dialogs";
import { Field } from "../../components/Field";

/**
 * 从备份恢复: the backup file from the open dialog, the admin login and password of the
 * backup's day, a confirmation, then the core replaces the open database (checking the
 * password, the admin, the file and its audit chain first, and keeping the replaced file).
 * `bare` leaves out the card's frame and title, for a place that already gives both.
 */
export function RestoreCard({
  defaultLogin,
  onRestored,
  bare = false,
}: {
  defaultLogin?: string;
  onRestored: (r: BackupReport) => void;
  bare?: boolean;
}) {
  const [file, setFile] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<BackupReport | null>(null);
  const [form] = Form.useForm<{ login: string; password: string }>();
  const { modal } = App.useApp();

  const pick = async () => {
    const picked = await dialogs.openFile(["backup"], "选择备份文件（fengqiao-backup-….db）");
    if (picked) {
      setFile(picked);
      setError(null);
      setReport(null);
    }
  };

  const restore = (v: { login: string; password: string }) => {
    if (!file) return;
    modal.confirm({
      title: "用这个备份替换当前数据库？",
      content: "当前数据库不会删除，会另存一份在原位置旁边（文件名带 before-restore 和时间）。",
      okText: "恢复",
      okButtonProps: { danger: true, "data-testid": "restore-confirm" },
      cancelText: "取消",
      onOk: async () => {
        setRunning(true);
        setError(null);
        try {
          const r = await backend.restore(file, v.login.trim(), v.password);
          setReport(r);
          form.resetFields(["password"]);
          onRestored(r);
        } catch (e) {
          setError(toBackendError(e).message);
        } finally {
          setRunning(false);
        }
      },
    });
  };

  const body = (
    <>
      <Typography.Paragraph>
        选择备份文件（旁边须有同名的 .keys 密钥文件），输入备份当时的管理员账号和密码。恢复前会核对密码、管理员身份、文件完整性和审计日志。
      </Typography.Paragraph>
      <Space direction="vertical" style={{ width: "100%" }}>
        <Space>
          <Button onClick={pick} disabled={running} data-testid="restore-pick">
            选择备份文件…
          </Button>
          <Typography.Text type={file ? undefined : "secondary"} data-testid="restore-file">
            {file ?? "尚未选择"}
          </Typography.Text>
        </Space>
        <Form form={form} layout="inline" initialValues={{ login: defaultLogin ?? "" }} onFinish={restore} disabled={!file || running}>
          <Field name="login" label="管理员用户名" rules={[{ required: true, message: "请输入管理员用户名" }]}><Input style={{ width: 160 }} data-testid="restore-login" /></Field>
          <Field name="password" label="备份当时的密码" rules={[{ required: true, message: "请输入密码" }]}><Input.Password style={{ width: 200 }} data-testid="restore-password" /></Field>
          <Button type="primary" danger htmlType="submit" loading={running} data-testid="restore-run">
            恢复
          </Button>
        </Form>
        {error && <Alert type="error" showIcon message={error} data-testid="restore-error" />}
        {report && (
          <Descriptions bordered size="small" column={1} data-testid="restore-report">
            <Descriptions.Item label="已恢复到">{report.file}</Descriptions.Item>
            {report.previous && <Descriptions.Item label="原数据库另存为">{report.previous}</Descriptions.Item>}
            <Descriptions.Item label="数据结构版本">{report.schema_version}</Descriptions.Item>
            <Descriptions.Item label="审计日志">{report.audit_entries} 条，哈希链已校验</Descriptions.Item>
            {report.sync_note && <Descriptions.Item label="同步">{report.sync_note}</Descriptions.Item>}
          </Descriptions>
        )}
      </Space>
    </>
  );
  return bare ? (
    <div data-testid="restore-card">{body}</div>
  ) : (
    <Card title="从备份恢复" data-testid="restore-card">
      {body}
    </Card>
  );
}
