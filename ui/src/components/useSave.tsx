import { useRef, useState } from "react";
import { Alert, Form } from "antd";
import type { FormInstance } from "antd";
import { fieldPath, toBackendError } from "../backend";

type Path = (string | number)[];

/** Every path to a value inside `changed` (a form's changed values), e.g. `["parties", 1, "phone"]`. */
export function changedPaths(changed: unknown, prefix: Path = []): Path[] {
  if (changed === null || typeof changed !== "object") return [prefix];
  const keys = Object.keys(changed);
  if (keys.length === 0) return [prefix];
  return keys.flatMap((k) => changedPaths((changed as Record<string, unknown>)[k], [...prefix, /^\d+$/.test(k) && Array.isArray(changed) ? Number(k) : k]));
}

/** Whether one path leads into the other (a list and one of its items, a field and itself). */
function related(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (String(a[i]) !== String(b[i])) return false;
  return true;
}

export type SaveOptions<V> = {
  /** A form made beforehand, when the component needs it before the hook (one is made otherwise). */
  form?: FormInstance<V>;
  /** Fields the core names that the form holds under another name, e.g. `{ amount_involved: "amount_yuan" }`. */
  rename?: Record<string, string>;
  /** Called after a refusal has been shown (e.g. to empty a password box). */
  onRefused?: () => void;
  /** After a save, empty the form (`true`) or these fields, for entering the next one. */
  reset?: true | string[];
};

/**
 * The save of every form: sends what was entered, and on a refusal shows the core's message
 * under the field it names (or above the form when the form has no such field), leaving what
 * was typed in place. A field's message goes as soon as that field changes; a message above
 * the form, and any the core put under a field, are recomputed on the next attempt.
 *
 * Spread `formProps` on the `<Form>` and put `alert` at its top. `run` makes another action of
 * the same form (e.g. 协议生效 beside 保存草稿) an attempt too.
 */
export function useSave<V, R = unknown>(send: (v: V) => Promise<R>, onSaved: (r: R) => void, opts: SaveOptions<V> = {}) {
  const [own] = Form.useForm<V>();
  const form = opts.form ?? own;
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  // The fields the last refusal marked, so the next attempt starts clean.
  const marked = useRef<Path[]>([]);

  const refused = (e: unknown) => {
    const err = toBackendError(e);
    opts.onRefused?.();
    if (err.field) {
      const name = fieldPath(opts.rename?.[err.field] ?? err.field);
      form.setFields([{ name: name as never, errors: [err.message] }]);
      // Only a field the form shows keeps the message; otherwise it goes above the form.
      if (form.getFieldError(name as never).length > 0) {
        marked.current = [name];
        form.scrollToField(name as never);
        return;
      }
    }
    setFormError(err.message);
  };

  const run = async (action: () => Promise<void>) => {
    setSaving(true);
    setFormError(null);
    if (marked.current.length > 0) form.setFields(marked.current.map((name) => ({ name: name as never, errors: [] })));
    marked.current = [];
    try {
      await action();
    } catch (e) {
      refused(e);
    } finally {
      setSaving(false);
    }
  };

  const save = (v: V) =>
    run(async () => {
      const r = await send(v);
      if (opts.reset) form.resetFields(opts.reset === true ? undefined : (opts.reset as never));
      onSaved(r);
    });

  const onValuesChange = (changed: Partial<V>) => {
    const paths = changedPaths(changed);
    const stale = form.getFieldsError().filter((f) => f.errors.length > 0 && paths.some((p) => related(p, f.name)));
    if (stale.length > 0) form.setFields(stale.map((f) => ({ name: f.name as never, errors: [] })));
  };

  const alert = formError ? <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} data-testid="form-error" /> : null;
  return { form, formProps: { form, onFinish: save, onValuesChange }, save, run, saving, alert };
}
