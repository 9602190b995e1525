import { vi } from "vitest";
import { configure } from "@testing-library/react";
import { transport } from "../backend/transport";

// Ant Design's tables and modals take more than the default second to settle on a busy machine.
configure({ asyncUtilTimeout: 10000 });

export type Sent = { method: string; params: Record<string, unknown> };

/**
 * Replaces the shell with answers per api method. An answer may be a value or a function of
 * the params (throw `{code, message, field}` to refuse as the core does). A method without an
 * answer fails the call, so a screen that sends something unexpected is noticed.
 */
export function fakeCore(answers: Record<string, unknown>) {
  const sent: Sent[] = [];
  vi.spyOn(transport, "invoke").mockImplementation(async (command, args) => {
    if (command !== "call") throw new Error(`unexpected command ${command}`);
    const { method, params } = args as { method: string; params: Record<string, unknown> };
    sent.push({ method, params });
    if (!(method in answers)) throw new Error(`unexpected ${method}`);
    const a = answers[method];
    return (typeof a === "function" ? await (a as (p: Record<string, unknown>) => unknown)(params) : a) as never;
  });
  return {
    sent,
    /** The params of every call of one method. */
    of: (method: string) => sent.filter((s) => s.method === method).map((s) => s.params),
  };
}

/** The lists the prevention screens load for their pickers, empty. */
export const EMPTY_REFS = {
  "village.list": [{ id: "v1", name: "青山村", code: null, sort: 1, groups: [] }],
  "officer.list": [{ id: "o1", name: "李警官", role: "officer", badge_no: null, phone: null, active: true }],
  "team.list": [],
  "volunteer.list": [],
};
