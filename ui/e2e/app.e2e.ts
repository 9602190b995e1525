// End-to-end: the real app (the debug binary with the UI built in), driven through
// tauri-driver and WebKitWebDriver, on a fresh database. Run by scripts/e2e.sh under xvfb-run.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { crc32, deflateSync } from "node:zlib";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { remote } from "webdriverio";
import type { Dispute, DisputePage, MonthStats, Written } from "../src/backend/types";

const APP = process.env.FENGQIAO_DESK_BIN ?? "";
/** The command-line tool, a second program on the app's database. */
const CLI = process.env.FENGQIAO_CLI_BIN ?? "";
const SHOTS = process.env.E2E_SCREENSHOTS ?? path.resolve(__dirname, "../../target/e2e-screenshots");

let driver: ChildProcess | undefined;
let browser: WebdriverIO.Browser;
let dataDir = "";
let driverPort = 0;
/** The station admin created on first run (the database is encrypted from then on). */
const ADMIN = "admin";
const ADMIN_PASSWORD = "Qingshan2026";
/** A demo resident with a two-character name, found in the search test. */
let resident = "";
/** 报表's figures for this month before the walk adds a dispute to them. */
let monthBefore: Record<string, number> = {};

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** A loopback port nothing listens on now, for tauri-driver and WebKitWebDriver: fixed ports
 * would clash with a second run or anything else on the machine. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function until<T>(what: string, f: () => Promise<T | false | null | undefined>, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => false as const);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const $t = (id: string) => browser.$(`[data-testid="${id}"]`);
const byText = (text: string, tag = "*") => browser.$(`//${tag}[normalize-space(text())="${text}"]`);

/**
 * Saves a screenshot of the window.
 *
 * WebKitGTK's WebDriver takes a screenshot only after the page's next "presentation update"
 * (WebAutomationSession::takeScreenshot → callAfterNextPresentationUpdate). With compositing
 * off, as under Xvfb, that update comes only when something on the page repaints: once a
 * screen has finished drawing and sits still (设置, 月报, 报表 — a second after they appear),
 * the screenshot never returns, and every WebDriver command queued behind it waits until the
 * session times out. So one invisible pixel is kept repainting while the screenshot is taken.
 */
async function saveScreenshot(file: string) {
  await browser.execute(() => {
    const pixel = document.createElement("div");
    pixel.id = "e2e-repaint";
    pixel.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.body.appendChild(pixel);
    let on = false;
    const tick = () => {
      if (!pixel.isConnected) return;
      on = !on;
      // Two transparent colours: each change repaints the pixel, neither shows.
      pixel.style.backgroundColor = on ? "rgba(0,0,0,0.002)" : "rgba(0,0,0,0)";
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => document.getElementById("e2e-repaint")?.remove());
  }
}

async function shot(name: string) {
  // The pointer stays where the last click left it, and Ant Design paints a hovered primary
  // button in its paler hover colour: park the pointer in the window's corner first, so the
  // screenshot shows the buttons at rest.
  await browser.action("pointer").move({ x: 1, y: 1, origin: "viewport" }).perform();
  await browser.pause(400); // let animations settle
  await saveScreenshot(path.join(SHOTS, `${name}.png`));
}

/** The whole-number figures of the Ant Design Statistic blocks inside the element with test
 * id `id`, by title ("12件" → 12), once they are shown. */
function statistics(id: string): Promise<Record<string, number>> {
  return until(`the figures in ${id}`, async () => {
    const figures = await browser.execute((sel: string) => {
      const out: Record<string, number> = {};
      for (const s of document.querySelectorAll(`${sel} .ant-statistic`)) {
        const title = s.querySelector(".ant-statistic-title")?.textContent?.trim() ?? "";
        out[title] = parseInt(s.querySelector(".ant-statistic-content")?.textContent?.trim() ?? "", 10);
      }
      return out;
    }, `[data-testid="${id}"]`);
    return Object.keys(figures).length > 0 ? figures : false;
  });
}

const NAV: Record<string, string> = {
  首页: "/",
  户籍人员: "/people",
  矛盾纠纷: "/disputes",
  代办: "/errands",
  警情: "/incidents",
  群防群治: "/prevention",
  结对帮扶: "/care",
  法律顾问: "/counsel",
  表彰奖励: "/awards",
  报表: "/reports",
  设置: "/settings",
  同步: "/sync",
  用户: "/users",
  审计日志: "/audit",
  备份: "/backup",
};

/** Waits until no Ant Design enter/leave animation is running (a dialog zooming in moves
 * its fields under the pointer, so a click computed mid-animation lands elsewhere). */
async function settled() {
  await until("animations to finish", async () => (await browser.$$("[class*='-enter'], [class*='-appear'], [class*='-leave']").length) === 0, 10000);
}

async function go(screen: string) {
  // A test that failed may leave a dialog open; close it so the next one starts clean.
  if ((await browser.$$(".ant-modal-wrap:not([style*='display: none'])").length) > 0) await browser.keys("Escape");
  await (await $t(`nav-${NAV[screen]}`)).click();
}

/** Opens 设置 → `tab` and the 修改 dialog (`form`) of the tab's first row; returns the
 * row's name and the dialog's form. */
async function editFirst(tab: string, form: string) {
  await go("设置");
  await (await byText(tab, "div")).click();
  const edit = await browser.$('.ant-tabs-tabpane-active button[aria-label^="修改 "]');
  await edit.waitForDisplayed();
  const name = ((await edit.getAttribute("aria-label")) ?? "").replace("修改 ", "");
  await edit.click();
  const dialog = await $t(form);
  await dialog.waitForDisplayed();
  await settled();
  return { name, form: dialog };
}

/** The form item labelled `label`. */
async function formItem(label: string) {
  return browser.$(
    `//label[normalize-space(text())="${label}"]/ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-form-item ")][1]`,
  );
}

/** Replaces the post's phone in 设置 with `value` and saves it. */
async function savePostPhone(value: string) {
  await go("设置");
  const phone = await $t("post-phone");
  await phone.waitForDisplayed();
  await phone.click();
  await browser.keys(["Control", "a"]);
  await browser.keys("Backspace");
  await phone.addValue(value);
  await (await $t("post-save")).click();
  await (await $t("post-saved")).waitForDisplayed({ timeout: 10000 });
}

/** Types into an Ant Design Select with search and picks the first match. */
async function pick(label: string, text: string) {
  const field = await formItem(label);
  await field.waitForDisplayed();
  await (await field.$(".ant-select-selector")).click();
  await (await field.$("input")).setValue(text);
  const option = await browser.$(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option");
  await option.waitForDisplayed({ timeout: 10000 });
  await browser.keys("Enter");
}

async function input(label: string) {
  return (await formItem(label)).$("input");
}

/** Picks `option` in the filter Select with test id `testId`. */
async function choose(testId: string, option: string) {
  await (await (await $t(testId)).$(".ant-select-selector")).click();
  const item = await browser.$(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${option}"]`);
  await item.waitForDisplayed({ timeout: 10000 });
  await item.click();
}

/** The text of the error under the form item labelled `label` ("" when there is none). */
async function fieldError(label: string) {
  return browser.execute((l: string) => {
    const item = [...document.querySelectorAll(".ant-form-item")].find((i) => i.querySelector("label")?.textContent?.trim() === l);
    return item?.querySelector(".ant-form-item-explain-error")?.textContent ?? "";
  }, label);
}

beforeAll(async () => {
  if (!APP) throw new Error("FENGQIAO_DESK_BIN must name the app binary (see scripts/e2e.sh)");
  mkdirSync(SHOTS, { recursive: true });
  if (!CLI) throw new Error("FENGQIAO_CLI_BIN must name the fengqiao binary (see scripts/e2e.sh)");
  dataDir = mkdtempSync(path.join(tmpdir(), "fengqiao-e2e-"));
  driverPort = await freePort();
  let nativePort = await freePort();
  while (nativePort === driverPort) nativePort = await freePort();
  driver = spawn("tauri-driver", ["--port", String(driverPort), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, FENGQIAO_DB: path.join(dataDir, "post.db") },
    // The app's working directory, where a save dialog opens: the database's folder.
    cwd: dataDir,
  });
  // tauri-driver answers before WebKitWebDriver (which it starts at once) listens: wait for
  // both before asking for a session.
  await until("tauri-driver", () => portOpen(driverPort));
  await until("WebKitWebDriver", () => portOpen(nativePort));
  browser = await startApp();
});

/** Starts the app in a new WebDriver session. */
function startApp() {
  return remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    connectionRetryCount: 5,
    capabilities: {
      browserName: "wry",
      "tauri:options": { application: APP },
      "wdio:enforceWebDriverClassic": true,
    } as WebdriverIO.Capabilities,
  });
}

beforeEach((ctx) => {
  // Keep what the screen showed when a step failed.
  ctx.onTestFailed(async () => {
    const name = `failed-${ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, "-")}.png`;
    if (browser) await saveScreenshot(path.join(SHOTS, name)).catch(() => {});
  });
});

afterAll(async () => {
  await browser?.deleteSession().catch(() => {});
  driver?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A small PNG photo (a gradient), made here so that no image file is kept in the repository. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows.set([(x * 255) / width, 120 + ((y >> 4) % 2) * 60, (y * 255) / height], at);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("枫桥警务台账", () => {
  it("creates the station admin on first run, encrypting the database, then imports demo data", async () => {
    const login = await $t("admin-login");
    await login.waitForDisplayed({ timeout: 30000 });
    await shot("01-first-run");
    await login.setValue(ADMIN);
    await (await $t("admin-password")).setValue(ADMIN_PASSWORD);
    await (await $t("admin-confirm")).setValue(ADMIN_PASSWORD);
    await (await $t("create-admin-submit")).click();
    await (await $t("create-admin")).waitForDisplayed({ reverse: true, timeout: 30000 });
    // The key file now sits beside the database: it opens only with a login from here on.
    expect(existsSync(path.join(dataDir, "post.db.keys"))).toBe(true);
    const button = await $t("import-demo");
    await button.waitForDisplayed();
    await button.click();
    await (await $t("home")).waitForDisplayed({ timeout: 120000 });
    await until("home figures", async () => (await browser.$$("canvas").length) >= 2);
    await shot("02-home");
    // This month's statistics before the walk adds to them (checked again under 报表).
    await go("报表");
    monthBefore = await statistics("stats-figures");
  });

  it("shows 风险预警 on 首页, the highest first, and a case's level and reasons one click away", async () => {
    await go("首页");
    const card = await $t("warning-card");
    await card.waitForDisplayed({ timeout: 30000 });
    await until("warnings listed", async () => (await browser.$$('[data-testid="warning-item"]').length) > 0);
    // The demo post holds a dispute whose parties met before and whose linked incident was violent: red.
    const first = await $t("warning-item");
    expect(await first.$(".ant-tag").getText()).toContain("红色");
    const name = await first.$("strong");
    const title = (await name.getText()).trim();
    await card.scrollIntoView();
    await shot("02a-home-warnings");
    // The case's title (a reason's own link opens the record behind it instead).
    await name.click();
    const level = await $t("dispute-risk-level");
    await level.waitForDisplayed({ timeout: 30000 });
    expect(await level.getText()).toContain("红色");
    expect(await (await browser.$("body")).getText()).toContain(title);
    await shot("02b-dispute-risk-reasons");
  });

  it("finds a resident by a two-character name from anywhere with Ctrl+K", async () => {
    await go("户籍人员");
    await until("households list", async () => (await browser.$$(".ant-table-tbody tr.ant-table-row").length) > 0);
    await shot("03-households");
    let name = "";
    for (const c of await browser.$$(".ant-table-tbody tr.ant-table-row td:first-child")) {
      const t = (await c.getText()).trim();
      if ([...t].length === 2) {
        name = t;
        break;
      }
    }
    expect([...name]).toHaveLength(2);
    resident = name;

    await browser.keys(["Control", "k"]);
    const box = await $t("search-input");
    await box.waitForDisplayed();
    await box.setValue(name);
    const hit = await until("search hits", async () => {
      for (const h of await browser.$$('[data-testid="search-hit"]')) if ((await h.getText()).includes(name)) return h;
      return false;
    });
    await shot("04-search");
    await hit.click();
    await (await $t("household-title")).waitForDisplayed();
    await until("the household of the resident", async () =>
      (await browser.$$(".ant-table-tbody td")).some(Boolean),
    );
    const memberNames = await browser.$$(".ant-table-tbody tr.ant-table-row td:first-child").map((m) => m.getText());
    expect(memberNames).toContain(name);
    await shot("05-household-card");
  });

  it("refuses a bad ID number with the core's Chinese message, then saves the fixed one", async () => {
    await (await $t("add-member")).click();
    const form = await $t("person-form");
    await form.waitForDisplayed();
    await (await $t("person-name")).setValue("韩梅");
    await (await $t("person-id-number")).setValue("110105194912310021");
    const explain = await browser.$("//*[contains(@class,'ant-form-item-explain-error')][contains(., '校验位错误')]");
    await explain.waitForDisplayed({ timeout: 10000 });
    // The message fades in; read it once it is there.
    const message = await until("the checksum message", async () => (await explain.getText()) || false);
    expect(message).toContain("末位应为“X”");
    await shot("06-person-bad-id");

    // Select the wrong number and type over it, as a user would.
    const id = await $t("person-id-number");
    await id.click();
    await browser.keys(["Control", "a"]);
    await browser.keys("Backspace");
    await id.addValue("11010519491231002X");
    await until("birth date filled from the ID", async () => (await $t("person-birth-date").getValue()) === "1949-12-31");
    await (await $t("person-save")).click();
    await form.waitForDisplayed({ reverse: true, timeout: 10000 });
    await until("new member in the card", async () =>
      (await browser.$$(".ant-table-tbody td:first-child").map((c) => c.getText())).includes("韩梅"),
    );
  });

  it("takes a dispute from intake to a finalised agreement", async () => {
    await go("矛盾纠纷");
    await until("disputes list", async () => (await browser.$$(".ant-table-tbody tr.ant-table-row").length) > 0);
    await shot("07-disputes");
    await (await $t("new-dispute")).click();
    await (await $t("dispute-title")).waitForDisplayed();
    await settled();
    // 受理 with nothing filled in: the core asks for the title in the officer's words, under
    // the field, and the message goes as soon as the title is typed.
    await (await $t("dispute-save")).click();
    await until("the title asked for", async () => (await fieldError("纠纷名称")) === "请填写纠纷名称");
    await shot("08a-dispute-title-required");
    await (await $t("dispute-title")).setValue(`${resident}与周立新排水沟纠纷`);
    await until("the message gone", async () => (await fieldError("纠纷名称")) === "");
    await pick("纠纷类型", "邻里");
    await (await (await formItem("纠纷主要事实")).$("textarea")).setValue("两家房后共用排水沟堵塞，雨天积水漫入周家院内。");
    await (await (await formItem("争议事项")).$("textarea")).setValue("排水沟清理及费用分担。");
    await (await (await formItem("各方责任")).$("textarea")).setValue("双方均有疏于清理的责任。");
    // Party 1 is a resident picked from the register; party 2 is typed in.
    await pick("从登记人员中选择", resident);
    await (await $t("party-0-ethnicity")).setValue("汉族");
    await (await $t("party-0-phone")).setValue("13800000001");
    await (await $t("party-1-name")).setValue("周立新");
    await (await $t("party-1-id-number")).setValue("330326198001011231");
    await (await $t("party-1-ethnicity")).setValue("汉族");
    await (await $t("party-1-phone")).setValue("13900000002");
    await (await $t("party-1-address")).setValue("青山镇青山村3组18号");
    await shot("08-dispute-intake");
    await (await $t("dispute-save")).click();
    await (await $t("dispute-case")).waitForDisplayed({ timeout: 15000 });

    await (await $t("action-mediate")).click();
    await (await $t("mediation-form")).waitForDisplayed();
    await settled();
    // The first level the core will take is chosen.
    expect(await browser.$("//label[.//span[normalize-space(text())='初调']]//input").isSelected()).toBe(true);
    await (await byText("达成一致", "span")).click();
    const settledRadio = await browser.$("//label[.//span[normalize-space(text())='达成一致']]//input");
    await until("达成一致 chosen", async () => await settledRadio.isSelected());
    const mediators = await (await formItem("调解员")).$("input");
    await mediators.setValue("陈百川");
    await browser.keys("Enter");
    await (await $t("mediation-recorder")).setValue("李警官");
    // The whole round fits a 768-pixel-high window, its 保存 included.
    expect(await (await $t("mediation-save")).isDisplayed({ withinViewport: true })).toBe(true);
    await shot("08b-mediation-round");
    await (await $t("mediation-save")).click();
    await (await $t("mediation-form")).waitForDisplayed({ reverse: true, timeout: 15000 });
    await (await $t("agreement-form")).waitForDisplayed({ timeout: 15000 });
    expect(await (await $t("dispute-status")).getText()).toBe("已达成一致");
    // The draft starts from what the round recorded, and lists only the mediator entered.
    expect(await (await $t("agreement-mediators")).$('.ant-select-selection-item[title="陈百川"]').isExisting()).toBe(true);
    expect(await (await $t("agreement-recorder")).getValue()).toBe("李警官");
    expect(await (await $t("mediation-timeline")).getText()).toContain("调解员：陈百川");

    // Finalising too early lists what the agreement still lacks, in Chinese.
    await (await $t("agreement-finalise")).click();
    const refusal = await browser.$("//*[contains(@class,'ant-alert-error')][contains(., '还缺少以下内容')]");
    await refusal.waitForDisplayed({ timeout: 10000 });
    expect(await refusal.getText()).toContain("履行期限");
    expect(await (await $t("agreement-missing")).getText()).toContain("协议内容");
    await shot("09-agreement-missing");

    const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
    await (await $t("agreement-terms")).setValue("双方于十日内共同清理排水沟，费用各半承担；今后每年汛期前共同清理一次。");
    await (await $t("agreement-method")).setValue("共同出工，现金分担");
    await (await $t("agreement-place")).setValue("两家房后排水沟");
    await (await $t("agreement-deadline")).setValue(day(10));
    await (await $t("agreement-effective-on")).setValue(day(0));
    await (await (await formItem("份数")).$("input")).setValue("3");
    await (await $t("agreement-finalise")).click();
    const final = await $t("agreement-final");
    await final.waitForDisplayed({ timeout: 15000 });
    expect(await final.getText()).toMatch(/调字第/);
    expect(await (await $t("dispute-status")).getText()).toBe("履行中");
    // The earlier refusal was recomputed by this attempt: it is gone.
    expect(await browser.$$("//*[contains(@class,'ant-alert-error')][contains(., '还缺少以下内容')]").length).toBe(0);
    await shot("10-agreement-final");
  });

  it("opens 登记调解 on a 治安调解 case at 联调, an auxiliary shown as unable to preside", async () => {
    await go("矛盾纠纷");
    await choose("filter-track", "治安调解");
    await choose("filter-status", "已受理");
    const row = await browser.$(".ant-table-tbody tr.ant-table-row");
    await until("a 治安调解 case listed", async () => (await row.getText()).includes("治安调解") && (await browser.$$(".ant-spin-blur").length) === 0);
    await (await row.$("td")).click();
    await (await $t("action-mediate")).click();
    await (await $t("mediation-form")).waitForDisplayed();
    await settled();
    expect(await browser.$("//label[.//span[normalize-space(text())='联调']]//input").isSelected()).toBe(true);
    expect(await browser.$("//label[.//span[normalize-space(text())='初调']]//input").isEnabled()).toBe(false);
    await (await (await $t("mediation-presider")).$(".ant-select-selector")).click();
    // The picker marks 辅警, and one the core would not let preside says why, before saving.
    const refused = await browser.$("//div[contains(@class,'ant-select-item-option-disabled')][contains(., '（辅警）：辅警不能主持治安调解')]");
    await refused.waitForDisplayed({ timeout: 10000 });
    await shot("10a-security-round-presider");
    await browser.keys("Escape");
    await (await browser.$(".ant-modal-wrap:not([style*='display: none']) .ant-modal-close")).click();
    await (await $t("mediation-form")).waitForDisplayed({ reverse: true, timeout: 10000 });
  });

  it("prints both kinds of agreement, the intake form, a follow-up record and the month's report", async () => {
    // The app writes each document where the save dialog would have said, through the same
    // backend call its 打印 button makes (the dialog is the system's, out of WebDriver's
    // reach); pdftotext reads each back. Run against the installed package with the
    // source tree's fonts out of reach (scripts/e2e.sh --installed), this is what shows
    // that the package carries the fonts and the app finds them.
    const call = async <T,>(method: string, params: Record<string, unknown>): Promise<T> => {
      const reply = await browser.execute(
        (m: string, p: Record<string, unknown>) =>
          (window as unknown as { __TAURI_INTERNALS__: { invoke: (cmd: string, args: unknown) => Promise<unknown> } }).__TAURI_INTERNALS__
            .invoke("call", { method: m, params: p })
            // Not `{ error }`: webdriverio would take that for a WebDriver error of its own.
            .then((value) => ({ refused: false, value }), (value: unknown) => ({ refused: true, value })),
        method,
        params,
      );
      if (reply.refused) throw new Error(`${method}: ${JSON.stringify(reply.value)}`);
      return reply.value as T;
    };
    // pdftotext may break lines and space out a justified line's characters.
    const squash = (s: string) => s.replace(/\s+/g, "");
    const print = async (method: string, params: Record<string, unknown>, file: string) => {
      const out = path.join(dataDir, file);
      const written = await call<Written>(method, { ...params, path: out });
      expect(written.path).toBe(out);
      return squash(execFileSync("pdftotext", [out, "-"], { encoding: "utf8" }));
    };
    const withAgreement = async (track: string) => {
      const page = await call<DisputePage>("dispute.list", { track, page_size: 100 });
      const row = page.items.find((r) => r.agreement_number);
      expect(row, `a ${track} dispute with a finalised agreement`).toBeDefined();
      return call<Dispute>("dispute.get", { id: row!.id });
    };

    // The dispute this walk took to a finalised 人民调解协议书, and its intake form.
    const own = await call<DisputePage>("dispute.list", { text: "周立新排水沟纠纷" });
    expect(own.items).toHaveLength(1);
    const walked = await call<Dispute>("dispute.get", { id: own.items[0].id });
    let text = await print("agreement.pdf", { dispute_id: walked.id }, "人民调解协议书.pdf");
    expect(text).toContain("人民调解协议书");
    expect(text).toContain(squash(walked.agreement!.number!));
    expect(text).toContain("周立新");
    expect(text).toContain(squash("双方于十日内共同清理排水沟"));
    text = await print("intake.pdf", { dispute_id: walked.id }, "调解登记表.pdf");
    expect(text).toContain("矛盾纠纷调解登记表");
    expect(text).toContain(squash(walked.title));
    expect(text).toContain("330326198001011231");

    // A 治安调解协议书 from the demo post.
    const security = await withAgreement("security");
    text = await print("agreement.pdf", { dispute_id: security.id }, "治安调解协议书.pdf");
    expect(text).toContain("治安调解协议书");
    expect(text).toContain(squash(security.agreement!.number!));
    expect(text).toContain(security.parties[0].name);

    // A follow-up record of a demo dispute visited after its agreement.
    const page = await call<DisputePage>("dispute.list", { status: "closed", page_size: 100 });
    let visited: { dispute: Dispute; id: string } | undefined;
    for (const row of page.items) {
      const d = await call<Dispute>("dispute.get", { id: row.id });
      const f = d.follow_ups.find((x) => x.done_on && x.agreement_number);
      if (f) {
        visited = { dispute: d, id: f.id };
        break;
      }
    }
    expect(visited, "a closed dispute with a follow-up done").toBeDefined();
    text = await print("followup.pdf", { follow_up_id: visited!.id }, "回访记录.pdf");
    expect(text).toContain("矛盾纠纷回访记录");
    expect(text).toContain(squash(visited!.dispute.agreement!.number!));
    expect(text).toContain(visited!.dispute.parties[0].name);

    // The month's report, its figures those 报表 shows.
    const month = new Date().toISOString().slice(0, 7);
    const stats = await call<MonthStats>("stats.month", { month });
    text = await print("stats.export", { month }, "月报.pdf");
    const [y, m] = month.split("-");
    expect(text).toContain(`${y}年${Number(m)}月工作统计`);
    expect(text).toContain(`走访${stats.visits}户次`);
  });

  it("takes an errand from acceptance to delivered", async () => {
    await go("代办");
    await (await $t("errand-column-accepted")).waitForDisplayed();
    await shot("11-errands");
    await (await $t("new-errand")).click();
    await (await $t("errand-form")).waitForDisplayed();
    await settled();
    await pick("服务事项", "身份证");
    await (await $t("errand-applicant")).setValue("赵小满");
    // Accepted long ago and overdue: first among open errands on the board, marked red.
    await (await input("受理日期")).setValue("2025-01-02");
    // 受理 straight after typing: the typed date counts without leaving the field.
    await (await input("到期日期")).setValue("2025-01-03");
    await (await $t("errand-save")).click();
    const card = async () => {
      for (const c of await browser.$$('[data-testid="errand-card"]')) if ((await c.getText()).includes("赵小满")) return c;
      return false;
    };
    const created = await until("the new errand's card", card);
    expect(await created.getText()).toContain("到期 2025-01-03");
    expect(await created.getText()).toMatch(/已逾期 \d+ 天/);
    const steps = ["开始办理", "办结", "送达"];
    for (const step of steps) {
      const c = await until(`errand card before ${step}`, card);
      const button = await c.$(`[data-testid="errand-advance"]`);
      // Ant Design spaces out two-character button labels (办 结).
      expect((await button.getText()).replace(/\s/g, "")).toBe(step);
      await button.click();
      await (await $t("advance-form")).waitForDisplayed();
      await settled();
      if (step === "送达") {
        await (await byText("当面交付", "span")).click();
        await shot("12-errand-deliver");
      }
      await (await $t("advance-save")).click();
      await (await $t("advance-form")).waitForDisplayed({ reverse: true, timeout: 10000 });
    }
    const delivered = await $t("errand-column-delivered");
    await until("errand delivered", async () => (await delivered.getText()).includes("赵小满"));
    await shot("13-errand-delivered");
  });

  it("takes an errand at a 驿站 by one of its 警务助理, shown on the station's page", async () => {
    // The demo's first station, opened from 代办.
    await go("代办");
    await (await $t("open-stations")).click();
    const first = await until("the demo's stations", async () => (await browser.$$('[data-testid="station-row"]'))[0] ?? false);
    await shot("13a-stations");
    // The station's name (WebKitWebDriver takes a table row itself as not clickable).
    const stationName = await first.$("strong");
    const station = (await stationName.getText()).trim();
    expect(station).toContain("红警驿站");
    await stationName.click();
    await (await $t("station-page")).waitForDisplayed({ timeout: 15000 });
    await until("the station's page", async () => (await (await $t("station-page")).getText()).includes(station), 15000);

    // 受理代办 there: the station, then one of its assistants serving today.
    await go("代办");
    await (await $t("new-errand")).click();
    await (await $t("errand-form")).waitForDisplayed();
    await settled();
    await pick("服务事项", "身份证");
    await (await $t("errand-applicant")).setValue("黄秋香");
    await choose("errand-station", station);
    await settled();
    await (await (await $t("errand-assistant")).$(".ant-select-selector")).click();
    const assistant = await until("the station's assistants", async () => {
      const open = await browser.$$(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option");
      for (const o of open) if ((await o.isDisplayed()) && (await o.getAttribute("title")) !== station) return o;
      return false;
    });
    const name = (await assistant.getAttribute("title")) ?? "";
    await assistant.click();
    await shot("13b-errand-at-station");
    await (await $t("errand-save")).click();
    await (await $t("errand-form")).waitForDisplayed({ reverse: true, timeout: 10000 });

    // The station's page lists it with the assistant who took it.
    await (await $t("open-stations")).click();
    const again = await until("the stations", async () => (await browser.$$('[data-testid="station-row"]'))[0] ?? false);
    await (await again.$("strong")).click();
    const row = await until("the errand on the station's page", async () => {
      for (const r of await browser.$$('[data-testid="station-errand-row"]')) if ((await r.getText()).includes("黄秋香")) return r;
      return false;
    });
    expect(await row.getText()).toContain(name);
    await shot("13c-station-errand");
  });

  it("lists incidents, newest first; one linked to the dispute names it, and the dispute shows it", async () => {
    await go("警情");
    await until("incidents", async () => (await browser.$$(".ant-table-tbody tr.ant-table-row").length) > 0);
    await shot("14-incidents");
    await until("the list settled", async () => (await browser.$$(".ant-spin-blur").length) === 0);
    await (await browser.$(".ant-table-tbody tr.ant-table-row td")).click();
    await (await $t("incident-edit")).waitForDisplayed();
    await settled();
    await (await $t("incident-edit")).click();
    await (await $t("incident-form")).waitForDisplayed();
    await settled();
    await pick("关联的矛盾纠纷", `${resident}与周立新`);
    await (await $t("incident-save")).click();
    await (await $t("incident-form")).waitForDisplayed({ reverse: true, timeout: 10000 });
    const link = await $t("incident-dispute-link");
    await until("the link naming the dispute", async () => (await link.getText()) === `${resident}与周立新排水沟纠纷`);
    await shot("14a-incident-names-dispute");
    await link.click();
    const linked = await $t("dispute-incident");
    await linked.waitForDisplayed({ timeout: 15000 });
    expect(await (await $t("dispute-facts")).getText()).toContain("各方责任");
    await shot("14b-dispute-shows-incident");
  });

  it("registers a hazard in 群防群治 and verifies it, and the month's report counts it", async () => {
    const monthReport = async () => {
      await go("群防群治");
      await (await byText("月报", "div")).click();
      return statistics("prevention-figures");
    };
    const before = await monthReport();
    await (await byText("隐患", "div")).click();
    await (await $t("new-hazard")).waitForDisplayed();
    await (await $t("new-hazard")).click();
    await (await $t("hazard-form")).waitForDisplayed();
    await settled();
    await (await $t("hazard-place")).setValue("青山村文化礼堂");
    await (await $t("hazard-description")).setValue("配电箱电线老化裸露");
    await (await $t("hazard-save")).click();
    await (await $t("hazard-form")).waitForDisplayed({ reverse: true, timeout: 10000 });
    // Read the table with one script rather than a WebDriver round trip per row and cell.
    const rowState = () =>
      browser.execute((place: string) => {
        const row = [...document.querySelectorAll(".ant-table-tbody tr.ant-table-row")].find((r) => r.textContent?.includes(place));
        if (!row) return null;
        const verify = row.querySelector('[data-testid^="hazard-verify-"]');
        return { text: row.textContent ?? "", verify: verify?.getAttribute("data-testid") ?? null };
      }, "青山村文化礼堂");
    const created = await until("the new hazard's row", rowState);
    expect(created.verify).not.toBeNull();
    await (await $t(created.verify!)).click();
    await (await $t("hazard-step-form")).waitForDisplayed();
    await settled();
    await (await $t("hazard-step-note")).setValue("现场核实属实，已通知村委");
    await (await $t("hazard-step-save")).click();
    await (await $t("hazard-step-form")).waitForDisplayed({ reverse: true, timeout: 10000 });
    await until("the hazard verified", async () => (await rowState())?.text.includes("已核实"));
    await shot("15-hazard-verified");

    // Back on the screen (leaving it drops the loaded tabs), 月报 counts the new hazard.
    await go("首页");
    const after = await monthReport();
    expect(after["发现隐患"]).toBe(before["发现隐患"] + 1);
    expect(after["巡逻"]).toBe(before["巡逻"]);
    await until("the month's chart", async () => (await browser.$$("canvas").length) > 0);
    await shot("16-prevention-month");
  });

  it("attaches a photo to a hazard from the file dialog, shown as a thumbnail and opened full size", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fq-photo-"));
    const file = path.join(dir, "bridge.png");
    writeFileSync(file, png(640, 480));
    await go("群防群治");
    await (await byText("隐患", "div")).click();
    const photos = await until("the hazard's 照片 button", () =>
      browser.execute((place: string) => {
        const row = [...document.querySelectorAll(".ant-table-tbody tr.ant-table-row")].find((r) => r.textContent?.includes(place));
        return row?.querySelector('[data-testid^="hazard-photos-"]')?.getAttribute("data-testid") ?? null;
      }, "青山村文化礼堂"),
    );
    await (await $t(photos)).click();
    const add = await $t("attachment-add-hazard");
    await add.waitForDisplayed({ timeout: 15000 });
    await settled();
    await add.click();
    // The system's open dialog (GTK): its location field takes the path.
    const dialog = await until("the open dialog", async () => {
      const found = spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^选择照片"], { encoding: "utf8" });
      return found.status === 0 && found.stdout.trim().split("\n")[0];
    });
    // Typing "/" in a GTK file chooser opens its location field with it; Return opens the
    // file (a second Return when the first only took the field's completion).
    execFileSync("xdotool", ["windowfocus", "--sync", dialog]);
    execFileSync("xdotool", ["type", "--delay", "40", file]);
    const open = () => spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^选择照片"]).status === 0;
    for (let i = 0; i < 5 && open(); i++) {
      await new Promise((r) => setTimeout(r, 700));
      execFileSync("xdotool", ["key", "Return"]);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await until("the photo added or refused", async () =>
      browser.execute(() => !!document.querySelector('[data-testid="attachment"] img, [data-testid="attachment-error"]')),
    );
    const refusal = await browser.execute(() => document.querySelector('[data-testid="attachment-error"]')?.textContent ?? null);
    expect(refusal).toBeNull();
    await until("the photo's thumbnail", async () =>
      browser.execute(() => document.querySelector('[data-testid="attachment"] img')?.getAttribute("src")?.startsWith("data:image/jpeg;base64,") ?? false),
    );
    await shot("16a-hazard-photo");
    await (await browser.$('[data-testid^="attachment-open-"]')).click();
    await until("the photo full size", async () =>
      browser.execute(() => document.querySelector(".ant-image-preview-img")?.getAttribute("src")?.startsWith("data:image/png;base64,") ?? false),
    );
    await shot("16b-hazard-photo-full");
    // Close the viewer, then the hazard's 照片 window, so that later steps can click.
    await browser.execute(() => document.querySelector<HTMLElement>(".ant-image-preview-close")?.click());
    await until("the viewer closed", async () => browser.execute(() => !document.querySelector(".ant-image-preview-img")));
    await browser.execute(() => document.querySelector<HTMLElement>(".ant-modal-close")?.click());
    await until("the 照片 window closed", async () =>
      browser.execute(() => !document.querySelector('[data-testid="attachments-hazard"]')),
    );
    await settled();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes a care plan in 结对帮扶 and records its first visit from 今日工作 in one click", async () => {
    // 今日工作 is the first thing on 首页.
    await go("首页");
    const plan = await $t("day-plan");
    await plan.waitForDisplayed({ timeout: 15000 });
    const firstCard = await browser.execute(() => document.querySelector('[data-testid="home"] .ant-card')?.getAttribute("data-testid"));
    expect(firstCard).toBe("day-plan");

    // 韩梅, added to a household above, under care as 独居老人: due at once, never visited.
    await go("结对帮扶");
    await (await $t("care-new")).click();
    await (await $t("care-form")).waitForDisplayed();
    await settled();
    await pick("帮扶对象", "韩梅");
    await (await (await formItem("帮扶类别")).$(".ant-select-selector")).click();
    const tag = await browser.$('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title^="独居老人"]');
    await tag.waitForDisplayed({ timeout: 10000 });
    await tag.click();
    expect(await (await $t("care-interval")).getValue()).toBe("30");
    // Paired with an officer: the core refuses a plan with nobody paired.
    await settled();
    await (await (await formItem("结对民警/辅警")).$(".ant-select-selector")).click();
    await settled();
    // The dropdown just opened is the last one in the page (the tag's stays, hidden).
    const officer = await until("the officers' dropdown", async () => {
      const open = await browser.$$(".ant-select-dropdown:not(.ant-select-dropdown-hidden)");
      const n = await open.length;
      const last = n > 0 ? open[n - 1] : null;
      const first = last ? await last.$(".ant-select-item-option:not(.ant-select-item-option-disabled)") : null;
      return first && (await first.isDisplayed()) && !(await first.getAttribute("title"))?.startsWith("独居老人") ? first : false;
    });
    await officer.click();
    await (await $t("care-save")).click();
    await (await $t("care-plan")).waitForDisplayed({ timeout: 15000 });
    expect(await (await $t("care-plan")).getText()).toContain("尚未走访");
    await shot("16b-care-plan");

    // On 今日工作 under the household's village, and one click records the visit.
    await go("首页");
    const row = async () =>
      browser.execute(() => {
        const rows = [...document.querySelectorAll('[data-testid="day-plan-item"]')];
        const r = rows.find((x) => x.textContent?.includes("韩梅"));
        return r ? { index: rows.indexOf(r), total: rows.length } : null;
      });
    const before = await until("韩梅 on 今日工作", row, 20000);
    await shot("16c-day-plan");
    const items = await browser.$$('[data-testid="day-plan-item"]');
    await (await items[before.index].$('[data-testid="day-plan-visit"]')).click();
    await until("韩梅 off 今日工作", async () => (await row()) === null && (await browser.$$('[data-testid="day-plan-item"]').length) === before.total - 1);
    await shot("16d-day-plan-visited");
  });

  it("records a lawyer and their sitting at the post in 法律顾问", async () => {
    await go("法律顾问");
    await (await $t("counsel-screen")).waitForDisplayed({ timeout: 15000 });
    await (await $t("lawyer-new")).click();
    await (await $t("lawyer-form")).waitForDisplayed();
    await settled();
    await (await $t("lawyer-name")).setValue("钱立诚");
    await (await $t("lawyer-firm")).setValue("青山律师事务所");
    await (await $t("lawyer-licence")).setValue("13303201810345678");
    await (await $t("lawyer-save")).click();
    const page = await $t("lawyer-page");
    await until("钱立诚's page", async () => (await page.isDisplayed()) && (await page.getText()).includes("钱立诚"), 15000);
    await (await $t("sitting-new")).click();
    await (await $t("sitting-form")).waitForDisplayed();
    await settled();
    await (await $t("sitting-consultations")).setValue("4");
    await (await $t("sitting-people")).setValue("6");
    await (await $t("sitting-topics")).setValue("土地承包经营权流转咨询");
    await (await $t("sitting-save")).click();
    await until("the sitting listed", async () => (await browser.$$('[data-testid="lawyer-page"] [data-testid="sitting-row"]').length) === 1, 15000);
    // The row shows what was asked about (once the page has the saved sitting back).
    await until("the sitting's topics", async () => {
      const page = await $t("lawyer-page");
      if ((await page.getText()).includes("土地承包经营权流转咨询")) return true;
      return (await page.$('td[title="土地承包经营权流转咨询"]').isExisting());
    }, 15000);
    await shot("16e-counsel-sitting");
  });

  it("records a 见义勇为 nomination in 表彰奖励, approves it with its amount and records it paid", async () => {
    await go("表彰奖励");
    await (await $t("award-new")).click();
    await (await $t("award-form")).waitForDisplayed();
    await settled();
    // 韩梅, added to a household above; the village comes from her household.
    await pick("被提名人（已登记）", "韩梅");
    await (await $t("award-deed")).setValue("跳入鱼塘救起落水儿童");
    const threeDaysAgo = new Date(Date.now() - 3 * 86400000).toISOString().slice(0, 10);
    await (await input("事迹发生日期")).setValue(threeDaysAgo);
    await (await $t("award-save")).click();
    const detail = await $t("award-detail");
    await detail.waitForDisplayed({ timeout: 15000 });
    expect(await detail.getText()).toContain("待审");
    await settled();
    await (await $t("award-decide")).click();
    await (await $t("award-decide-form")).waitForDisplayed();
    await settled();
    await (await $t("award-amount")).setValue("2000");
    await (await $t("award-decide-save")).click();
    await until("approved with its amount", async () => {
      const d = await $t("award-detail");
      return (await d.isDisplayed()) && (await d.getText()).includes("2,000.00 元") && (await d.getText()).includes("县见义勇为基金会");
    });
    await settled();
    await (await $t("award-pay")).click();
    await (await $t("award-pay-form")).waitForDisplayed();
    await settled();
    await (await $t("award-pay-save")).click();
    await until("recorded paid", async () => {
      const d = await $t("award-detail");
      return (await d.isDisplayed()) && (await d.getText()).includes("已发放");
    });
    await shot("16e-award-paid");
    await browser.keys("Escape");
    await until("the nomination listed", async () =>
      browser.execute(() => [...document.querySelectorAll('[data-testid="award-row"]')].some((r) => r.textContent?.includes("韩梅") && r.textContent?.includes("已发放"))),
    );
    await shot("16f-awards");
  });

  it("counts the dispute taken in today in 报表's monthly statistics", async () => {
    await go("报表");
    const now = await statistics("stats-figures");
    expect(now["受理纠纷"]).toBe(monthBefore["受理纠纷"] + 1);
    expect(now["调解"]).toBe(monthBefore["调解"] + 1);
    expect(now["调解成功"]).toBe(monthBefore["调解成功"] + 1);
    expect(now["警情"]).toBe(monthBefore["警情"]);
    await until("the chart by category", async () => (await browser.$$("canvas").length) > 0);
    await shot("17-reports");
    await (await byText("花名册导入", "div")).click();
    expect(await (await $t("import-columns")).getText()).toContain("户主姓名");
    await shot("17a-roster-columns");
  });

  it("saves the post's phone in 设置 and shows where the data lives", async () => {
    await savePostPhone("0571-86001110");
    await shot("18-settings");
    // Saved in the database: a fresh 设置 screen reads it back.
    await go("首页");
    await go("设置");
    await until("the saved phone", async () => (await $t("post-phone").getValue()) === "0571-86001110");
    await (await byText("数据位置与关于", "div")).click();
    await until("the database path", async () => (await $t("db-path").getText()) === path.join(dataDir, "post.db"));
    await shot("19-settings-about");
  });

  it("opens a village's 修改 in 设置 → 村（社区）", async () => {
    const { form } = await editFirst("村（社区）", "village-edit");
    await shot("19a-settings-village");
    await browser.keys("Escape");
    await form.waitForDisplayed({ reverse: true, timeout: 10000 });
  });

  it("marks an officer who has left 离岗 in 设置 → 民警辅警", async () => {
    const { name, form } = await editFirst("民警辅警", "officer-edit");
    await (await form.$('//span[normalize-space(text())="离岗"]')).click();
    await (await $t("officer-edit-save")).click();
    await form.waitForDisplayed({ reverse: true, timeout: 10000 });
    // Saved: the list (those on post first) shows the officer last, 离岗.
    await until("the officer listed 离岗", async () => {
      const rows = await browser.$$(".ant-tabs-tabpane-active .ant-table-tbody tr.ant-table-row").map((r) => r.getText());
      const last = rows.at(-1) ?? "";
      return last.includes(name) && last.includes("离岗");
    });
    await settled();
    await shot("19b-settings-officers");
  });

  it("shows the admin the audit log, whose chain verifies", async () => {
    await go("审计日志");
    await until("audit entries", async () => (await browser.$$(".ant-table-tbody tr.ant-table-row").length) > 0);
    await (await $t("audit-verify")).click();
    const check = await $t("audit-check");
    await check.waitForDisplayed({ timeout: 15000 });
    expect(await check.getText()).toContain("哈希链逐条校验通过");
    await shot("20-audit");
    await go("同步");
    await (await $t("sync-status")).waitForDisplayed({ timeout: 15000 });
    await shot("21-sync");
  });

  it("adds an officer's login in 用户, listed as waiting for the first password change; 备份 offers restore", async () => {
    await go("用户");
    const login = await $t("user-login");
    await login.waitForDisplayed({ timeout: 10000 });
    await login.setValue("zhangmin");
    await (await $t("user-name")).setValue("张敏");
    await (await $t("user-password")).setValue("Chushi2026");
    await (await $t("user-create")).click();
    const row = await until("the new login listed", async () => {
      for (const r of await browser.$$(".ant-table-tbody tr.ant-table-row")) {
        const text = await r.getText();
        if (text.includes("zhangmin")) return text;
      }
      return false;
    });
    expect(row).toContain("张敏");
    expect(row).toContain("民警");
    expect(row).toContain("待修改初始密码");
    expect(row).toContain("从未");
    // 添加 sits low on the page; show the list from its top, once the toast has gone.
    await browser.execute(() => document.querySelector(".fq-content")?.scrollTo(0, 0));
    await until("the toast to go", async () => (await browser.$$(".ant-message-notice").length) === 0, 10000);
    await shot("23-users");
    await go("备份");
    await (await $t("backup-run")).waitForDisplayed({ timeout: 10000 });
    await (await $t("restore-card")).waitForDisplayed();
    expect(await (await $t("restore-run")).isEnabled()).toBe(false);
    await shot("24-backup");
  });

  it("logs out, refuses a wrong password with the core's message, and logs in again", async () => {
    await (await $t("logout")).click();
    const name = await $t("login-name");
    await name.waitForDisplayed({ timeout: 15000 });
    await name.setValue(ADMIN);
    await (await $t("login-password")).setValue("Wrong2026pw");
    await (await $t("login-submit")).click();
    const error = await $t("login-error");
    await error.waitForDisplayed({ timeout: 30000 });
    expect(await error.getText()).toMatch(/密码/);
    await shot("22-login-refused");
    await (await $t("login-password")).setValue(ADMIN_PASSWORD);
    await (await $t("login-submit")).click();
    await (await $t("userbar")).waitForDisplayed({ timeout: 30000 });
    expect(await (await $t("userbar")).getText()).toContain(ADMIN);
    // Encrypted at rest: the file on disk does not hold the resident's name.
    expect(readFileSync(path.join(dataDir, "post.db")).includes(Buffer.from(resident))).toBe(false);
  });

  it("keeps what it saves after a file dialog: one app at a time, the command line refused, the record there after SIGTERM and a restart", async () => {
    const db = path.join(dataDir, "post.db");
    const cli = (...args: string[]) =>
      spawnSync(CLI, ["--db", db, "--user", ADMIN, ...args], {
        env: { ...process.env, FENGQIAO_PASSWORD: ADMIN_PASSWORD },
        encoding: "utf8",
        timeout: 30000,
      });
    // A second start hands over to the running app and exits.
    const second = spawnSync(APP, [], { env: { ...process.env, FENGQIAO_DB: db }, timeout: 30000 });
    expect(second.status).toBe(0);

    // A save dialog lists the database's folder (the app's working directory), and is cancelled.
    await go("报表");
    await (await byText("台账导出", "div")).click();
    const exportButton = await $t("export-households");
    await exportButton.waitForDisplayed({ timeout: 15000 });
    await exportButton.click();
    const dialog = await until("the save dialog", async () => {
      const found = spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^保存"], { encoding: "utf8" });
      return found.status === 0 && found.stdout.trim().split("\n")[0];
    });
    execFileSync("xdotool", ["windowfocus", "--sync", dialog, "key", "Escape"]);
    await until("the dialog gone", async () => spawnSync("xdotool", ["search", "--onlyvisible", "--name", "^保存"]).status !== 0);

    // IT's backup from the command line is refused while the app has the database.
    const refused = cli("backup", "--out", dataDir);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("正在被另一个程序使用（枫桥警务台账桌面程序");

    await savePostPhone("0571-86001119");

    // SIGTERM (a logout or shutdown): the app closes the database, its WAL checkpointed, and exits.
    const pid = Number(readFileSync(`${db}.lock`, "utf8").split(" ")[0]);
    process.kill(pid, "SIGTERM");
    await until("the WAL checkpointed into the file", async () => !existsSync(`${db}-wal`));
    const read = await until("the command line let in", async () => {
      const r = cli("call", "post.get", "{}");
      return r.status === 0 && (JSON.parse(r.stdout) as { phone: string | null });
    });
    expect(read.phone).toBe("0571-86001119");

    await browser.deleteSession().catch(() => {});
    browser = await startApp();
    await (await $t("login-name")).waitForDisplayed({ timeout: 30000 });
    await (await $t("login-name")).setValue(ADMIN);
    await (await $t("login-password")).setValue(ADMIN_PASSWORD);
    await (await $t("login-submit")).click();
    await (await $t("userbar")).waitForDisplayed({ timeout: 30000 });
    await go("设置");
    await until("the saved phone after the restart", async () => (await $t("post-phone").getValue()) === "0571-86001119");
  });
});
