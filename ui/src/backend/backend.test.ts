import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { transport } from "./transport";
import { backend, BackendError, call, fieldPath } from ".";
import { METHODS } from "./types/methods";

afterEach(() => vi.restoreAllMocks());

describe("backend", () => {
  it("sends an api method through the one generic `call` command", async () => {
    const invoke = vi.spyOn(transport, "invoke").mockResolvedValue({ id: "p1", name: "王芳" });
    const p = await backend.person.get("p1");
    expect(p.name).toBe("王芳");
    expect(invoke).toHaveBeenCalledWith("call", { method: "person.get", params: { id: "p1" } });
  });

  it("turns the core's refusal into a BackendError naming the field", async () => {
    vi.spyOn(transport, "invoke").mockRejectedValue({
      code: "validation",
      message: "公民身份号码校验位错误：末位应为“X”，输入的是“1”，请核对号码",
      field: "id_number",
    });
    const err = (await backend.person.create({ name: "王芳", id_number: "110105194912310021", tags: [] }).catch((e) => e)) as BackendError;
    expect(err).toBeInstanceOf(BackendError);
    expect(err.code).toBe("validation");
    expect(err.field).toBe("id_number");
    expect(err.message).toContain("校验位错误");
    expect(err.missing).toEqual([]);
  });

  it("reports a failed IPC in Chinese rather than as a bare string", async () => {
    vi.spyOn(transport, "invoke").mockRejectedValue("window closed");
    const err = (await call("post.get").catch((e) => e)) as BackendError;
    expect(err).toBeInstanceOf(BackendError);
    expect(err.code).toBe("ipc");
    expect(err.message).toBe("与程序后台通信失败：window closed");
  });

  it("names only methods the core has", async () => {
    const named = new Set<string>();
    vi.spyOn(transport, "invoke").mockImplementation(async (command, args) => {
      named.add(command === "call" ? String(args?.method) : `#${command}`);
      return {} as never;
    });
    const walk = async (o: object) => {
      for (const v of Object.values(o)) {
        if (typeof v === "function") await v({} as never);
        else if (v && typeof v === "object") await walk(v);
      }
    };
    await walk(backend);
    const methods = [...named].filter((n) => !n.startsWith("#"));
    expect(methods.length).toBeGreaterThan(20);
    for (const m of methods) expect(METHODS).toContain(m);
    // The shell's own commands, as src-tauri registers them (every one but `call` is named here).
    const main = readFileSync(`${process.cwd()}/../src-tauri/src/main.rs`, "utf8");
    const registered = /generate_handler!\[([^\]]*)\]/.exec(main)![1].split(",").map((c) => c.trim()).filter((c) => c && c !== "call");
    expect([...named].filter((n) => n.startsWith("#")).sort()).toEqual(registered.map((c) => `#${c}`).sort());
  });

  it("reads a field path the way forms name fields", () => {
    expect(fieldPath("parties[0].id_number")).toEqual(["parties", 0, "id_number"]);
    expect(fieldPath("name")).toEqual(["name"]);
  });
});
