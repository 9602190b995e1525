import { Button, Card, Form, Input, Typography } from "antd";
import { NewPassword } from "../../components/NewPassword";
import { backend } from "../../backend";
import type { SessionInfo } from "../../backend";
import { useSave } from "../../components/useSave";

type Values = { login: string; password: string; confirm: string };

/**
 * First run: creates the station admin, which encrypts the database (`create_admin`). From
 * then on the file opens only with a login. The core checks the login name and password rules.
 */
export function CreateAdminCard({ onCreated }: { onCreated: (s: SessionInfo) => void }) {
  const { formProps, saving, alert } = useSave((v: Values) => backend.createAdmin(v.login.trim(), v.password), onCreated);

  return (
    <Card title="设置管理员并加密数据库（正式使用请先完成）" data-testid="create-admin">
      <Typography.Paragraph>
        创建本警务室的管理员账号后，数据库将加密保存，此后须登录才能打开；民警、辅警的账号由管理员在“用户”中添加。
      </Typography.Paragraph>
      {alert}
      <Form {...formProps} layout="inline" requiredMark={false} style={{ rowGap: 8 }}>
        <Form.Item name="login" label="管理员用户名" rules={[{ required: true, message: "请输入用户名" }]}>
          <Input placeholder="字母开头，如 admin" autoComplete="username" data-testid="admin-login" />
        </Form.Item>
        <NewPassword name="password" label="密码" confirmLabel="确认密码" placeholder="至少 8 位，含字母和数字" testId="admin-password" confirmTestId="admin-confirm" />
        <Button type="primary" htmlType="submit" loading={saving} data-testid="create-admin-submit">
          创建管理员
        </Button>
      </Form>
    </Card>
  );
}
