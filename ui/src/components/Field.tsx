import type { ReactNode } from "react";
import { Col, Form, Input } from "antd";
import type { FormItemProps } from "antd";

type Props = Omit<FormItemProps, "children"> & {
  /** The grid columns it takes in a form laid out in a `Row` (none: the full width, outside a grid). */
  span?: number;
  /** The control; a plain text box when none is given. */
  children?: ReactNode;
};

/**
 * One field of a form: its label, the control (a text box unless given) and, under it, the
 * message the core or a rule gives, in a grid column when `span` is set. The core's refusals
 * reach it through the form's `useSave`.
 */
export function Field({ span, children, ...item }: Props) {
  const body = <Form.Item {...item}>{children ?? <Input />}</Form.Item>;
  return span === undefined ? body : <Col span={span}>{body}</Col>;
}

/** The 备注 box across the full width of a form's grid. */
export function NotesField() {
  return (
    <Field span={24} name="notes" label="备注">
      <Input.TextArea rows={2} />
    </Field>
  );
}
