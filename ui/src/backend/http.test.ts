import { afterEach, describe, expect, it, vi } from "vitest";
import { httpInvoke } from "./http";
import { toBackendError } from "./errors";

afterEach(() => vi.unstubAllGlobals());

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
