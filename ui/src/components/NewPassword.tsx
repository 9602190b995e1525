import { Input } from "antd";
import { Field } from "./Field";
import { sameAs } from "./rules";

type Props = {
  /** The field holding the password (the confirmation is `confirm`). */
  name: string;
  /** What it is called: 密码, 新密码. */
  label: string;
  /** The confirmation's label. */
  confirmLabel: string;
  extra?: string;
  placeholder?: string;
  testId: string;
  confirmTestId: string;
};

/** A new password typed twice: both required, the second the same as the first (the core checks the rules). */
export function NewPassword({ name, label, confirmLabel, extra, placeholder, testId, confirmTestId }: Props) {
  return (
    <>
      <Field name={name} label={label} extra={extra} rules={[{ required: true, message: `请输入${label}` }]}>
        <Input.Password placeholder={placeholder} autoComplete="new-password" data-testid={testId} />
      </Field>
      <Field name="confirm" label={confirmLabel} dependencies={[name]} rules={[{ required: true, message: `请再次输入${label}` }, sameAs(name, `两次输入的${label}不一致`)]}>
        <Input.Password autoComplete="new-password" data-testid={confirmTestId} />
      </Field>
    </>
  );
}
