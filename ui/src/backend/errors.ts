import type { ErrorReply } from "./types";

/** A refusal or failure from the core: `{code, message, field?, missing?}`, message in Chinese. */
export class BackendError extends Error {
  readonly code: string;
  readonly field?: string;
  readonly missing: ErrorReply["missing"];

  constructor(reply: ErrorReply) {
    super(reply.message);
    this.name = "BackendError";
    this.code = reply.code;
    this.field = reply.field ?? undefined;
    this.missing = reply.missing ?? [];
  }
}

function isErrorReply(e: unknown): e is ErrorReply {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** Whatever the shell threw, as a BackendError (a plain string means the IPC itself failed). */
export function toBackendError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  if (isErrorReply(e)) return new BackendError(e);
  const message = e instanceof Error ? e.message : String(e);
  return new BackendError({ code: "ipc", message: `与程序后台通信失败：${message}` });
}

/** `parties[0].id_number` → `["parties", 0, "id_number"]`, the name path a form field uses. */
export function fieldPath(field: string): (string | number)[] {
  return field
    .split(/[.[\]]/)
    .filter((p) => p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
