import { useState } from "react";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { toBackendError } from "../backend";
import type { CountySessionInfo } from "../backend/types";
import { sameAs } from "../components/rules";
import { hq } from "./api";

/** A password set by an admin must be changed before anything else (the core insists). */
export function ChangeOwnPassword({
  session,
  onChanged,
  onLogout,
}: {
  session: CountySessionInfo;
  onChanged: (s: CountySessionInfo) => void;
  onLogout: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { old_password: string; new_password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await hq.password({ old_password: v.old_password, new_password: v.new_password }));
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ maxWidth: 420, margin: "80px auto", padding: "0 24px" }}>
      <Card title={`${session.name ?? session.login}：请先修改初始密码`}>
        <Typography.Paragraph type="secondary">管理员设置或重置的密码只能用于首次登录。</Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="old_password" label="原密码" rules={[{ required: true, message: "请输入原密码" }]}>
            <Input.Password autoComplete="current-password" data-testid="old-password" />
          </Form.Item>
          <Form.Item name="new_password" label="新密码" rules={[{ required: true, message: "请输入新密码" }]}>
            <Input.Password autoComplete="new-password" data-testid="new-password" />
          </Form.Item>
          <Form.Item
            name="again"
            label="再次输入新密码"
            dependencies={["new_password"]}
            rules={[{ required: true, message: "请再次输入新密码" }, sameAs("new_password", "两次输入的新密码不一致")]}
          >
            <Input.Password autoComplete="new-password" data-testid="new-password-again" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} block data-testid="password-submit">
            修改密码
          </Button>
          <Button type="link" block onClick={onLogout}>
            退出
          </Button>
        </Form>
      </Card>
    </div>
  );
}
