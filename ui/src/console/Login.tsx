import { useState } from "react";
import { Alert, Button, Card, Form, Input, QRCode, Space, Typography } from "antd";
import { MobileOutlined } from "@ant-design/icons";
import { toBackendError } from "../backend";
import { LoginFields } from "../components/LoginFields";
import type { CountySessionInfo, LoginReply } from "../backend/types";
import { hq } from "./api";

type Values = { login: string; password: string; otp?: string };

/**
 * The county login: the password first; then the 6-digit code from the phone's
 * authenticator, or the first time, the phone's enrolment (a QR code of the core's otpauth
 * address, and its secret to type by hand). The core decides each step and says what is
 * wrong (a wrong password, a locked login, a wrong code).
 */
export function ConsoleLogin({ reason, onLoggedIn }: { reason?: string | null; onLoggedIn: (s: CountySessionInfo) => void }) {
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState<LoginReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const reply = await hq.login({ login: v.login.trim(), password: v.password, otp: v.otp?.trim() || null });
      if (reply.status === "logged_in") {
        form.resetFields();
        onLoggedIn(reply.session);
      } else {
        setStep(reply);
        form.setFieldValue("otp", "");
      }
    } catch (e) {
      setError(toBackendError(e).message);
      if (!step) form.setFieldValue("password", "");
      else form.setFieldValue("otp", "");
    } finally {
      setBusy(false);
    }
  };
  const restart = () => {
    setStep(null);
    setError(null);
    form.resetFields();
  };

  return (
    <div style={{ maxWidth: 420, margin: "80px auto", padding: "0 24px" }}>
      <Typography.Title level={2} style={{ textAlign: "center" }}>
        县局工作台
      </Typography.Title>
      <Card title={step ? "动态口令" : "登录"}>
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="login-form">
          {reason && <Alert type="warning" showIcon message={reason} style={{ marginBottom: 16 }} />}
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          <div style={{ display: step ? "none" : undefined }}>
            <LoginFields />
          </div>
          {step?.status === "otp_enrol" && (
            <Space direction="vertical" style={{ width: "100%", marginBottom: 12 }} data-testid="otp-enrol">
              <Typography.Text>{step.message}</Typography.Text>
              <div style={{ display: "flex", justifyContent: "center" }}>
                <QRCode value={step.otpauth_url} size={180} bordered={false} />
              </div>
              <Typography.Text type="secondary">
                无法扫码时手动输入密钥：<Typography.Text code copyable data-testid="otp-secret">{step.secret}</Typography.Text>
              </Typography.Text>
            </Space>
          )}
          {step?.status === "otp_required" && <Typography.Paragraph>{step.message}</Typography.Paragraph>}
          {step && (
            <Form.Item
              name="otp"
              label="6 位动态口令"
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: "请输入验证器 App 上显示的 6 位数字" }]}
            >
              <Input prefix={<MobileOutlined />} inputMode="numeric" autoComplete="one-time-code" maxLength={8} autoFocus data-testid="login-otp" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={busy} block data-testid="login-submit">
            {step ? "验证并登录" : "下一步"}
          </Button>
          {step && (
            <Button type="link" block onClick={restart} style={{ marginTop: 8 }}>
              换一个账号
            </Button>
          )}
        </Form>
      </Card>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        县局账号须用密码和手机验证器上的动态口令登录。连续输错 5 次账号将锁定 15 分钟；手机丢失请找县局管理员重置。
        警务室转交 U 盘同步包请用 <a href="/relay">转交页面</a>，无需登录。
      </Typography.Paragraph>
    </div>
  );
}
