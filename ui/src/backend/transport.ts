// The one place the UI talks to its shell. Everything else goes through `backend`.
// Two transports: Tauri IPC in the desktop app (the default), and `POST` JSON over HTTP in
// a browser (./http.ts), which an entry point chooses with `selectHttpTransport()` before it
// renders (the county console does).
import { invoke } from "@tauri-apps/api/core";
import { httpInvoke } from "./http";

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

export const transport: { invoke: Invoke; kind: "ipc" | "http" } = {
  invoke: (command, args) => invoke(command, args),
  kind: "ipc",
};

/** From now on, calls go over HTTP to the server that served the page. */
export function selectHttpTransport() {
  transport.invoke = httpInvoke;
  transport.kind = "http";
}
