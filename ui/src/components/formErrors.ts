import type { FormInstance } from "antd";
import { fieldPath, toBackendError } from "../backend";

/**
 * Shows a refusal from the core: under the field it names when the form has that field,
 * otherwise returns the message for an alert above the form. The form's values are left
 * as the user typed them.
 */
export function showError(form: FormInstance, e: unknown): string | null {
  const err = toBackendError(e);
  if (err.field) {
    const name = fieldPath(err.field) as never;
    form.setFields([{ name, errors: [err.message] }]);
    // Only a field the form shows keeps the error; otherwise say it above the form.
    if (form.getFieldError(name).length > 0) {
      form.scrollToField(name);
      return null;
    }
  }
  return err.message;
}

/** Empty strings become null, so optional fields the user cleared are sent as "none". */
export function blankToNull<T extends object>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v === "" || v === undefined ? null : v;
  return out as T;
}
