// The HTTP transport: the same `invoke(command, args)` as the Tauri shell's, carried as
// `POST` JSON to a server through fengqiao-web: the county's `fengqiao-hq serve` (the
// console), or a post's own `fengqiao serve` (the desk in a browser). The session lives in
// an HttpOnly cookie the page never sees; a refusal comes back as the core's
// `{code, message, field?}` with an HTTP error status.
import type { Invoke } from "./transport";

/** A server the page may be served from: its name in messages, and the desktop app's
 * commands it also runs (by the same names, through `/api/call`). */
export type Served = { name: string; commands: readonly string[] };
/** The county's server (the console): api methods only. */
export const COUNTY: Served = { name: "县局服务", commands: [] };
/** A post's `fengqiao serve`: the desk's first-run and settings commands too. A file the
 * core writes comes back as a download (see `call` below). */
export const DESK: Served = { name: "本机的浏览器版服务", commands: ["methods", "db_info", "demo", "create_admin"] };

let served: Served = COUNTY;

/** Which server the page talks to (`selectHttpTransport` sets it). */
export function serveFrom(s: Served) {
  served = s;
}

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
    throw failure("network", `无法连接${served.name}，请检查网络后重试（${e instanceof Error ? e.message : String(e)}）`);
  }
}

/** The reply's JSON, or the core's refusal thrown as `{code, message, field?}`. */
async function json<T>(r: Response): Promise<T> {
  const text = await r.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw failure("http", `${served.name}返回了无法识别的内容（HTTP ${r.status}）：${text.slice(0, 200)}`);
  }
  if (!r.ok) {
    if (typeof body === "object" && body !== null && "code" in body && "message" in body) throw body;
    throw failure("http", `${served.name}出错（HTTP ${r.status}）`);
  }
  return body as T;
}

export const httpInvoke: Invoke = async <T>(command: string, args?: Record<string, unknown>): Promise<T> => {
  // The served desk: a method given a `path` writes a file, which in a browser is a
  // download of that name (the page's save "dialog" answers with the file name only).
  if (served === DESK && command === "call" && typeof args?.method === "string") {
    const { path, ...params } = (args.params ?? {}) as Record<string, unknown>;
    if (typeof path === "string") {
      const bytes = await download(args.method, params, path);
      return { path, bytes, count: 0 } as T;
    }
  }
  if (served.commands.includes(command)) return json<T>(await post("/api/call", { method: command, params: args ?? {} }));
  if (command === "first_screen" && served === DESK) return null as T;
  const route = ROUTES[command];
  if (!route) throw failure("unsupported", `网页版不提供“${command}”，请在警务室的桌面程序中操作`);
  return json<T>(await post(route, args));
};

/**
 * Runs a method that writes a file (an xlsx or PDF export) on the server and saves what it
 * wrote as a download named `fileName`; the server never takes a path from the page.
 * Resolves to the file's size in bytes.
 */
export async function download(method: string, params: object, fileName: string): Promise<number> {
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
  return blob.size;
}
