import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { sameAs } from "../../components/rules";
import { backend } from "../../backend";
import type { SessionInfo } from "../../backend";
import { showError } from "../../components/formErrors";

type Values = { login: string; password: string; confirm: string };

/**
 * First run: creates the station admin, which encrypts the database (`create_admin`). From
 * then on the file opens only with a login. The core checks the login name and password rules.
 */
export function CreateAdminCard({ onCreated }: { onCreated: (s: SessionInfo) => void }) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await backend.createAdmin(v.login.trim(), v.password));
    } catch (e) {
      setError(showError(form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="设置管理员并加密数据库（正式使用请先完成）" data-testid="create-admin">
      <Typography.Paragraph>
        创建本警务室的管理员账号后，数据库将加密保存，此后须登录才能打开；民警、辅警的账号由管理员在“用户”中添加。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="inline" onFinish={submit} requiredMark={false} style={{ rowGap: 8 }}>
        <Form.Item name="login" label="管理员用户名" rules={[{ required: true, message: "请输入用户名" }]}>
          <Input placeholder="字母开头，如 admin" autoComplete="username" data-testid="admin-login" />
        </Form.Item>
        <Form.Item name="password" label="密码" rules={[{ required: true, message: "请输入密码" }]}>
          <Input.Password placeholder="至少 8 位，含字母和数字" autoComplete="new-password" data-testid="admin-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label="确认密码"
          dependencies={["password"]}
          rules={[
            { required: true, message: "请再次输入密码" },
            sameAs("password", "两次输入的密码不一致"),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="admin-confirm" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="create-admin-submit">
          创建管理员
        </Button>
      </Form>
    </Card>
  );
}
