import { Button } from "antd";

/** The submit button at the foot of a form: 保存 unless told, spinning while the form saves. */
export function SaveButton({ saving, label = "保存", testId }: { saving: boolean; label?: string; testId?: string }) {
  return (
    <Button type="primary" htmlType="submit" loading={saving} data-testid={testId}>
      {label}
    </Button>
  );
}
