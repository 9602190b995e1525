import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { sameAs } from "../../components/rules";
import { backend } from "../../backend";
import { showError } from "../../components/formErrors";

type Values = { old_password: string; new_password: string; confirm: string };

/** Changes one's own password (`user.set_password`); the core checks the old one and the rules. */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await backend.user.setPassword({ login: null, old_password: v.old_password, new_password: v.new_password });
      form.resetFields();
      onDone();
    } catch (e) {
      setError(showError(form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} data-testid="change-password-form" requiredMark={false}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Form.Item name="old_password" label="原密码" rules={[{ required: true, message: "请输入原密码" }]}>
        <Input.Password autoComplete="current-password" data-testid="old-password" />
      </Form.Item>
      <Form.Item
        name="new_password"
        label="新密码"
        extra="至少 8 位，须含字母和数字，不能与用户名相同"
        rules={[{ required: true, message: "请输入新密码" }]}
      >
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label="再次输入新密码"
        dependencies={["new_password"]}
        rules={[
          { required: true, message: "请再次输入新密码" },
          sameAs("new_password", "两次输入的新密码不一致"),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="change-password-submit">
        修改密码
      </Button>
    </Form>
  );
}

/** Shown after logging in with a password the admin set: it must be changed before anything else. */
export function ForcedPasswordChange({ login, onDone }: { login: string; onDone: () => void }) {
  return (
    <div style={{ maxWidth: 440, margin: "80px auto", padding: "0 24px" }}>
      <Card title="请先修改密码">
        <Typography.Paragraph>
          {login}，您的密码由管理员设置，须改为只有您自己知道的密码后才能继续使用。
        </Typography.Paragraph>
        <ChangePasswordForm onDone={onDone} />
      </Card>
    </div>
  );
}
