import { Alert, Button, Card, Form, Typography } from "antd";
import { backend } from "../../backend";
import type { SessionInfo } from "../../backend";
import { LoginFields } from "../../components/LoginFields";
import { useSave } from "../../components/useSave";

type Values = { login: string; password: string };

/**
 * Logs in with the core's `session.login` (which also unlocks an encrypted database). The
 * core's own words are shown for a wrong password or a locked account; `reason` says why
 * the login is asked for again (e.g. the session timed out).
 */
export function LoginForm({ reason, onLoggedIn }: { reason?: string | null; onLoggedIn: (s: SessionInfo) => void }) {
  const [form] = Form.useForm<Values>();
  const { formProps, saving, alert } = useSave(
    (v: Values) => backend.session.login(v.login.trim(), v.password),
    (info) => {
      form.resetFields(["password"]);
      onLoggedIn(info);
    },
    // A refused password is typed again from scratch.
    { form, onRefused: () => form.setFieldValue("password", "") },
  );

  return (
    <Form {...formProps} layout="vertical" data-testid="login-form" requiredMark={false}>
      {reason && <Alert type="warning" showIcon message={reason} style={{ marginBottom: 16 }} />}
      {alert && <div data-testid="login-error">{alert}</div>}
      <LoginFields />
      <Button type="primary" htmlType="submit" loading={saving} block data-testid="login-submit">
        登录
      </Button>
    </Form>
  );
}

/** The whole-window login shown when the app opens on an encrypted database or after logout. */
export function LoginScreen({ reason, onLoggedIn }: { reason?: string | null; onLoggedIn: (s: SessionInfo) => void }) {
  return (
    <div style={{ maxWidth: 400, margin: "96px auto", padding: "0 24px" }}>
      <Typography.Title level={2} style={{ textAlign: "center" }}>
        枫桥警务台账
      </Typography.Title>
      <Card title="登录">
        <LoginForm reason={reason} onLoggedIn={onLoggedIn} />
      </Card>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        数据库已加密，须用本机的账号登录。忘记密码请找管理员重置；连续输错 5 次账号将锁定 15 分钟。
      </Typography.Paragraph>
    </div>
  );
}
