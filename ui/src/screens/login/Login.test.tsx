import { afterEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App as AntApp } from "antd";
import { MemoryRouter } from "react-router-dom";
import { transport } from "../../backend/transport";
import { App } from "../../App";

const POST = { id: "p", name: "青山中心警务室", code: null, doc_prefix: null, station_name: null, committee_name: null, township: null, address: null, phone: null };
const WRONG = "用户名或密码错误（还可尝试 4 次）";
const LOCKED = "连续输错密码次数过多，账号已锁定，请 15 分钟后再试或联系管理员解锁";
/** These walk the whole shell; a loaded 2-core machine needs more than the default minute. */
const SLOW = 180_000;
const TIMEOUT = "长时间未操作，会话已超时，请重新登录";

type Handler = (method: string, params: Record<string, unknown>) => unknown;

function fakeCore(handler: Handler) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  vi.spyOn(transport, "invoke").mockImplementation(async (cmd, args) => {
    const method = cmd === "call" ? String(args?.method) : `#${cmd}`;
    const params = (cmd === "call" ? args?.params : args) as Record<string, unknown>;
    calls.push({ method, params });
    return handler(method, params) as never;
  });
  return calls;
}

/** Types by pasting: per-key typing into Ant Design inputs is slow under jsdom. */
async function typeIn(user: ReturnType<typeof userEvent.setup>, el: HTMLElement, text: string) {
  await user.click(el);
  await user.paste(text);
}

function renderApp(at = "/") {
  return render(
    <AntApp>
      <MemoryRouter initialEntries={[at]}>
        <App />
      </MemoryRouter>
    </AntApp>,
  );
}

afterEach(() => vi.restoreAllMocks());

describe("login", () => {
  it("opens an encrypted database to the login, shows the core's reasons, then forces the password change", async () => {
    let session = { mode: "logged_out", login: null as string | null, role: null as string | null, must_change_password: false };
    let attempts = 0;
    const calls = fakeCore((method, p) => {
      if (method === "session.current") return session;
      if (method === "session.login") {
        attempts += 1;
        if (attempts === 1) throw { code: "unauthenticated", message: WRONG };
        if (attempts === 2) throw { code: "unauthenticated", message: LOCKED };
        session = { mode: "logged_in", login: String(p.login), role: "officer", must_change_password: true };
        return session;
      }
      if (method === "user.set_password") {
        if (p.new_password === "short") throw { code: "validation", message: "新密码至少 8 位", field: "new_password" };
        session = { ...session, must_change_password: false };
        return { login: "zhou" };
      }
      if (method === "post.get") return POST;
      if (method === "sync.status") return { node_id: "n", name: "", role: "post", local_changes: 0, peers: [], open_conflicts: 0 };
      if (method === "conflict.list") return [];
      throw { code: "unknown_method", message: method };
    });
    const user = userEvent.setup({ delay: null });
    renderApp("/sync");

    await typeIn(user, await screen.findByTestId("login-name"), "zhou");
    await typeIn(user, screen.getByTestId("login-password"), "wrong1234");
    await user.click(screen.getByTestId("login-submit"));
    expect(await screen.findByText(WRONG)).toBeInTheDocument();
    // The password box is cleared for the next try; the name stays.
    expect(screen.getByTestId("login-password")).toHaveValue("");
    expect(screen.getByTestId("login-name")).toHaveValue("zhou");

    await typeIn(user, screen.getByTestId("login-password"), "wrong1234");
    await user.click(screen.getByTestId("login-submit"));
    expect(await screen.findByText(LOCKED)).toBeInTheDocument();

    await typeIn(user, screen.getByTestId("login-password"), "Initial123");
    await user.click(screen.getByTestId("login-submit"));
    expect(await screen.findByTestId("change-password-form")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "post.get")).toHaveLength(0);

    await typeIn(user, screen.getByTestId("old-password"), "Initial123");
    await typeIn(user, screen.getByTestId("new-password"), "short");
    await typeIn(user, screen.getByTestId("confirm-password"), "short");
    await user.click(screen.getByTestId("change-password-submit"));
    expect(await screen.findByText("新密码至少 8 位")).toBeInTheDocument();

    await user.clear(screen.getByTestId("new-password"));
    await typeIn(user, screen.getByTestId("new-password"), "Mine2026ok");
    await user.clear(screen.getByTestId("confirm-password"));
    await typeIn(user, screen.getByTestId("confirm-password"), "Mine2026ok");
    await user.click(screen.getByTestId("change-password-submit"));
    expect(await screen.findByTestId("userbar")).toHaveTextContent("zhou");
    expect(calls.filter((c) => c.method === "user.set_password").pop()?.params).toEqual({
      login: null,
      old_password: "Initial123",
      new_password: "Mine2026ok",
    });
    // An officer does not see the admin screens.
    expect(screen.queryByTestId("nav-/users")).toBeNull();
    expect(screen.getByTestId("nav-/sync")).toBeInTheDocument();
  }, SLOW);

  it("asks for the login again on a session timeout without losing what was typed", async () => {
    let timedOut = false;
    const calls = fakeCore((method) => {
      if (method === "session.current") return { mode: "logged_in", login: "admin", role: "station_admin", must_change_password: false };
      if (method === "post.get") return POST;
      if (method === "user.list") return [];
      if (method === "officer.list") return [];
      if (method === "user.create") {
        if (!timedOut) {
          timedOut = true;
          throw { code: "unauthenticated", message: TIMEOUT };
        }
        return { id: "u2", login: "zhou", name: "周立", role: "officer", must_change_password: true };
      }
      if (method === "session.login") return { mode: "logged_in", login: "admin", role: "station_admin", must_change_password: false };
      throw { code: "unknown_method", message: method };
    });
    const user = userEvent.setup({ delay: null });
    renderApp("/users");
    await typeIn(user, await screen.findByTestId("user-login"), "zhou");
    await typeIn(user, screen.getByTestId("user-name"), "周立");
    await typeIn(user, screen.getByTestId("user-password"), "Start2026a");
    await user.click(screen.getByTestId("user-create"));

    // The login comes up over the screen, saying why.
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent(TIMEOUT);
    await typeIn(user, screen.getByTestId("login-name"), "admin");
    await typeIn(user, screen.getByTestId("login-password"), "Admin2026x");
    await user.click(screen.getByTestId("login-submit"));
    await waitFor(() => expect(screen.queryByTestId("login-form")).toBeNull());
    // The form behind the login kept its input; saving again now works.
    expect(screen.getByTestId("user-login")).toHaveValue("zhou");
    expect(screen.getByTestId("user-name")).toHaveValue("周立");
    await user.click(screen.getByTestId("user-create"));
    await waitFor(() => expect(calls.filter((c) => c.method === "user.create")).toHaveLength(2));
    expect(calls.filter((c) => c.method === "user.create")[1].params).toMatchObject({ login: "zhou", name: "周立", role: "officer" });
  }, SLOW);

  it("locks the screen after the core's idle minutes without input, and unlocks with the login", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const calls = fakeCore((method) => {
        if (method === "session.current") return { mode: "logged_in", login: "admin", role: "station_admin", must_change_password: false, idle_minutes: 1 };
        if (method === "post.get") return POST;
        if (method === "user.list" || method === "officer.list") return [];
        if (method === "session.logout") return { mode: "logged_out", login: null, role: null, must_change_password: false, idle_minutes: null };
        if (method === "session.login") return { mode: "logged_in", login: "admin", role: "station_admin", must_change_password: false, idle_minutes: 1 };
        throw { code: "unknown_method", message: method };
      });
      const user = userEvent.setup({ delay: null, advanceTimers: vi.advanceTimersByTime });
      renderApp("/users");
      await typeIn(user, await screen.findByTestId("user-login"), "zhou");
      expect(screen.queryByRole("dialog")).toBeNull();
      await vi.advanceTimersByTimeAsync(65_000);
      const dialog = await screen.findByRole("dialog");
      expect(dialog).toHaveTextContent("已超过 1 分钟未操作，屏幕已锁定");
      expect(calls.some((c) => c.method === "session.logout")).toBe(true);
      await typeIn(user, screen.getByTestId("login-name"), "admin");
      await typeIn(user, screen.getByTestId("login-password"), "Admin2026x");
      await user.click(screen.getByTestId("login-submit"));
      await waitFor(() => expect(screen.queryByTestId("login-form")).toBeNull());
      expect(screen.getByTestId("user-login")).toHaveValue("zhou");
    } finally {
      vi.useRealTimers();
    }
  }, SLOW);

  it("offers creating the admin on first run in setup mode", async () => {
    let mode = "setup";
    const calls = fakeCore((method, p) => {
      if (method === "session.current") return { mode, login: mode === "setup" ? null : "admin", role: mode === "setup" ? null : "station_admin", must_change_password: false };
      if (method === "post.get") return null;
      if (method === "#create_admin") {
        if (p.password === "12345678") throw { code: "validation", message: "密码须同时包含字母和数字", field: "password" };
        mode = "logged_in";
        return { mode, login: p.login, role: "station_admin", must_change_password: false };
      }
      throw { code: "unknown_method", message: method };
    });
    const user = userEvent.setup({ delay: null });
    renderApp();
    await typeIn(user, await screen.findByTestId("admin-login"), "admin");
    await typeIn(user, screen.getByTestId("admin-password"), "12345678");
    await typeIn(user, screen.getByTestId("admin-confirm"), "12345678");
    await user.click(screen.getByTestId("create-admin-submit"));
    expect(await screen.findByText("密码须同时包含字母和数字")).toBeInTheDocument();

    await user.clear(screen.getByTestId("admin-password"));
    await typeIn(user, screen.getByTestId("admin-password"), "Admin2026x");
    await user.clear(screen.getByTestId("admin-confirm"));
    await typeIn(user, screen.getByTestId("admin-confirm"), "Admin2026x");
    await user.click(screen.getByTestId("create-admin-submit"));
    // Encrypted and logged in; the post is still empty, so demo data or an empty start follow.
    await waitFor(() => expect(screen.queryByTestId("create-admin")).toBeNull());
    expect(screen.getByTestId("import-demo")).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "#create_admin").pop()?.params).toEqual({ login: "admin", password: "Admin2026x" });
  }, SLOW);
});
