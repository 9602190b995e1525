import { describe, expect, it } from "vitest";
import type { FormInstance } from "antd";
import { sameAs } from "./rules";

describe("sameAs", () => {
  const check = (first: string, again: string) => {
    const rule = sameAs("password", "两次输入的密码不一致") as (f: Pick<FormInstance, "getFieldValue">) => { validator: (r: unknown, v: string) => Promise<void> };
    return rule({ getFieldValue: () => first }).validator({}, again);
  };
  it("passes the same password typed again, and leaves an empty one to the required rule", async () => {
    await expect(check("Admin2026x", "Admin2026x")).resolves.toBeUndefined();
    await expect(check("Admin2026x", "")).resolves.toBeUndefined();
  });
  it("refuses a different one with the form's message", async () => {
    await expect(check("Admin2026x", "Admin2026y")).rejects.toThrow("两次输入的密码不一致");
  });
});
