// The HTTP transport: the same `invoke(command, args)` as the Tauri shell's, carried as
// `POST` JSON to a server (the county's `fengqiao-hq serve`, through fengqiao-web). The
// session lives in an HttpOnly cookie the page never sees; a refusal comes back as the
// core's `{code, message, field?}` with an HTTP error status.
import type { Invoke } from "./transport";

/** Shell commands that have a route; everything else is a desktop-only command. */
const ROUTES: Record<string, string> = {
  call: "/api/call",
  login: "/api/login",
  logout: "/api/logout",
};

type Reply = { code: string; message: string; field?: string };

function failure(code: string, message: string): Reply {
  return { code, message };
}

async function post(route: string, body: unknown): Promise<Response> {
  try {
    return await fetch(route, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
      credentials: "same-origin",
    });
  } catch (e) {
    throw failure("network", `无法连接县局服务，请检查网络后重试（${e instanceof Error ? e.message : String(e)}）`);
  }
}

/** The reply's JSON, or the core's refusal thrown as `{code, message, field?}`. */
async function json<T>(r: Response): Promise<T> {
  const text = await r.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw failure("http", `县局服务返回了无法识别的内容（HTTP ${r.status}）：${text.slice(0, 200)}`);
  }
  if (!r.ok) {
    if (typeof body === "object" && body !== null && "code" in body && "message" in body) throw body;
    throw failure("http", `县局服务出错（HTTP ${r.status}）`);
  }
  return body as T;
}

export const httpInvoke: Invoke = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
  const route = ROUTES[command];
  if (!route) throw failure("unsupported", `网页版不提供“${command}”，请在警务室的桌面程序中操作`);
  return json<T>(await post(route, args));
};

/**
 * Runs a method that writes a file (an xlsx or PDF export) on the server and saves what it
 * wrote as a download named `fileName`; the server never takes a path from the page.
 */
export async function download(method: string, params: object, fileName: string): Promise<void> {
  const r = await post("/api/export", { method, params, file_name: fileName });
  if (!r.ok) await json(r);
  const blob = await r.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}
