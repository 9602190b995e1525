// The one place the UI talks to its shell. Everything else goes through `backend`.
// Two transports: Tauri IPC in the desktop app (the default), and `POST` JSON over HTTP in
// a browser (./http.ts), which an entry point chooses with `selectHttpTransport()` before it
// renders: the county console always, the desk when a browser loaded it from `fengqiao serve`.
import { invoke } from "@tauri-apps/api/core";
import { COUNTY, httpInvoke, serveFrom } from "./http";
import type { Served } from "./http";

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

export const transport: { invoke: Invoke; kind: "ipc" | "http" } = {
  invoke: (command, args) => invoke(command, args),
  kind: "ipc",
};

/** From now on, calls go over HTTP to the server that served the page (`served`: the
 * county's, unless told). */
export function selectHttpTransport(served: Served = COUNTY) {
  serveFrom(served);
  transport.invoke = httpInvoke;
  transport.kind = "http";
}

/** Whether the page runs in a browser, served by `fengqiao serve` (or the county's server),
 * rather than in the desktop app. */
export const inBrowser = () => transport.kind === "http";
