// The one place the UI talks to the Tauri shell. Everything else goes through `backend`.
import { invoke } from "@tauri-apps/api/core";

export type Invoke = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

export const transport: { invoke: Invoke } = {
  invoke: (command, args) => invoke(command, args),
};
