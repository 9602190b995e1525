import { Form, Input } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";

/** 用户名 and 密码, both required: the desk's login and the county console's first step. */
export function LoginFields() {
  return (
    <>
      <Form.Item name="login" label="用户名" rules={[{ required: true, message: "请输入用户名" }]}>
        <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-name" />
      </Form.Item>
      <Form.Item name="password" label="密码" rules={[{ required: true, message: "请输入密码" }]}>
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
      </Form.Item>
    </>
  );
}
