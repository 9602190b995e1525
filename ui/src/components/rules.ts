import type { FormRule } from "antd";

/** A form rule: the field must repeat `field` (a password typed twice); `message` otherwise. */
export function sameAs(field: string, message: string): FormRule {
  return ({ getFieldValue }) => ({
    validator: (_, value) => (!value || getFieldValue(field) === value ? Promise.resolve() : Promise.reject(new Error(message))),
  });
}
