import { Button, Card, Form, Input, Typography } from "antd";
import { NewPassword } from "../../components/NewPassword";
import { backend } from "../../backend";
import { useSave } from "../../components/useSave";
import { Field } from "../../components/Field";

type Values = { old_password: string; new_password: string; confirm: string };

/** Changes one's own password (`user.set_password`); the core checks the old one and the rules. */
export function ChangePasswordForm({ onDone }: { onDone: () => void }) {
  const { formProps, saving, alert } = useSave(
    (v: Values) => backend.user.setPassword({ login: null, old_password: v.old_password, new_password: v.new_password }),
    onDone,
    { reset: true },
  );

  return (
    <Form {...formProps} layout="vertical" data-testid="change-password-form" requiredMark={false}>
      {alert}
      <Field name="old_password" label="原密码" rules={[{ required: true, message: "请输入原密码" }]}><Input.Password autoComplete="current-password" data-testid="old-password" /></Field>
      <NewPassword
        name="new_password"
        label="新密码"
        confirmLabel="再次输入新密码"
        extra="至少 8 位，须含字母和数字，不能与用户名相同"
        testId="new-password"
        confirmTestId="confirm-password"
      />
      <Button type="primary" htmlType="submit" loading={saving} data-testid="change-password-submit">
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
