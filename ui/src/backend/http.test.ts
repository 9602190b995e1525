import { afterEach, describe, expect, it, vi } from "vitest";
import { COUNTY, DESK, httpInvoke, serveFrom } from "./http";
import { toBackendError } from "./errors";

afterEach(() => {
  vi.unstubAllGlobals();
  serveFrom(COUNTY);
});

function answer(status: number, body: unknown) {
  const fetch = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

describe("the HTTP transport", () => {
  it("POSTs a call as JSON to /api/call, with the page's own cookies", async () => {
    const fetch = answer(200, { hq_name: "县公安局" });
    const reply = await httpInvoke<{ hq_name: string }>("call", { method: "hq.overview", params: { page: 1 } });
    expect(reply.hq_name).toBe("县公安局");
    expect(fetch).toHaveBeenCalledWith("/api/call", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "hq.overview", params: { page: 1 } }),
      credentials: "same-origin",
    });
  });

  it("passes the core's refusal on as {code, message, field}", async () => {
    answer(403, { code: "forbidden", message: "只有县局管理员可以……" });
    const e = toBackendError(await httpInvoke("call", { method: "hq.users", params: {} }).catch((x) => x));
    expect([e.code, e.message]).toEqual(["forbidden", "只有县局管理员可以……"]);
  });

  it("says in Chinese when the server cannot be reached or answers nonsense", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    let e = toBackendError(await httpInvoke("call", { method: "hq.session" }).catch((x) => x));
    expect(e.code).toBe("network");
    expect(e.message).toContain("无法连接县局服务");
    vi.stubGlobal("fetch", vi.fn(async () => new Response("<html>proxy error</html>", { status: 502 })));
    e = toBackendError(await httpInvoke("call", { method: "hq.session" }).catch((x) => x));
    expect(e.message).toContain("HTTP 502");
  });

  it("offers no desktop-only command", async () => {
    const e = toBackendError(await httpInvoke("demo", { households: 3 }).catch((x) => x));
    expect(e.code).toBe("unsupported");
  });
});

describe("the HTTP transport of the desk served by fengqiao serve", () => {
  it("runs the desk's own commands through /api/call by name, and says which server it cannot reach", async () => {
    serveFrom(DESK);
    const fetch = answer(200, { households: 3 });
    await httpInvoke("demo", { households: 3 });
    expect(fetch).toHaveBeenCalledWith("/api/call", expect.objectContaining({ body: JSON.stringify({ method: "demo", params: { households: 3 } }) }));
    expect(await httpInvoke("first_screen")).toBeNull();
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const e = toBackendError(await httpInvoke("call", { method: "session.current" }).catch((x) => x));
    expect(e.message).toContain("无法连接本机的浏览器版服务");
  });

  it("turns a method given a path into a download of that name, never sending the path", async () => {
    serveFrom(DESK);
    const fetch = vi.fn(async () => new Response("%PDF-1.7", { status: 200, headers: { "content-type": "application/pdf" } }));
    vi.stubGlobal("fetch", fetch);
    URL.createObjectURL = vi.fn(() => "blob:pdf");
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    const w = await httpInvoke<{ path: string; bytes: number }>("call", {
      method: "agreement.pdf",
      params: { dispute_id: "d1", path: "调解协议书-1.pdf", overwrite: true },
    });
    expect(w).toMatchObject({ path: "调解协议书-1.pdf", bytes: 8 });
    expect(fetch).toHaveBeenCalledWith(
      "/api/export",
      expect.objectContaining({
        body: JSON.stringify({ method: "agreement.pdf", params: { dispute_id: "d1", overwrite: true }, file_name: "调解协议书-1.pdf" }),
      }),
    );
    expect(clicked).toHaveBeenCalledOnce();
  });
});
