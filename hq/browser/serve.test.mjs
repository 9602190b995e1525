// The post's desk in a browser: the real `fengqiao serve --no-browser` on a fresh database,
// driven in Debian's chromium (headless, playwright-core) as an officer on a system without
// WebKitGTK 4.1 would use it.
//
// What it checks: the server listens on 127.0.0.1 only; a request without the launch's
// token or cookie is refused, the page included, and so is the launch link used a second
// time; the first run creates the station admin and imports the demo post through the
// page; a resident found by a two-character name; a dispute taken from intake to a
// finalised 人民调解协议书, printed as a download and read back with pdftotext; the screens
// that need a file dialog of this computer say so instead; after a restart, the old
// session is refused and the login screen unlocks the encrypted database; a page of
// another site (its name pointed at 127.0.0.1) is refused.
//
// The binary from $FENGQIAO_BIN_DIR, else $CARGO_TARGET_DIR/debug, else target/debug; the
// built desk UI from $DESK_UI_DIR, else ui/dist (`cd ui && npm run build`); the documents'
// fonts from the source tree; the browser from $CHROMIUM, else /usr/bin/chromium.
// With $FENGQIAO_SERVE_INSTALLED naming an installed `fengqiao` (the fengqiao-web package's
// /usr/bin/fengqiao), that one runs as the menu entry starts it: no UI directory or font
// directory given, it must find both where its package put them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, FENGQIAO, FONTS, need, stop } from './hq.mjs';

const INSTALLED = process.env.FENGQIAO_SERVE_INSTALLED;
const BIN = INSTALLED ?? FENGQIAO;
const DESK_UI = process.env.DESK_UI_DIR
  ?? join(resolve(fileURLToPath(new URL('.', import.meta.url)), '../..'), 'ui', 'dist');
need('chromium');
if (!existsSync(BIN)) throw new Error(`fengqiao not found at ${BIN}`);
if (!INSTALLED && !existsSync(join(DESK_UI, 'index.html'))) throw new Error(`desk UI not found at ${DESK_UI} (cd ui && npm run build)`);

const dir = mkdtempSync(join(tmpdir(), 'fq-serve-'));
const DB = join(dir, 'post.db');
const ADMIN = { login: 'admin', password: 'Qingshan2026' };

let server;
let url; // the launch link, with its one-time token
let base; // http://127.0.0.1:PORT
let browser;
let context;
let page;
let startup; // what the server said as it started

/** `fengqiao serve --no-browser` on the test's database; resolves once it printed its link. */
async function start() {
  const env = { ...process.env };
  delete env.FENGQIAO_FONT_DIR;
  delete env.FENGQIAO_UI_DIR;
  const proc = spawn(BIN, ['--db', DB, 'serve', '--no-browser', ...(INSTALLED ? [] : ['--ui-dir', DESK_UI])], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: INSTALLED ? env : { ...env, FENGQIAO_FONT_DIR: FONTS },
  });
  const { link, said } = await new Promise((ok, fail) => {
    let seen = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/);
      if (m && seen.includes('按 Ctrl+C')) ok({ link: m[0], said: seen });
    });
    proc.on('exit', (code) => fail(new Error(`fengqiao serve exited ${code}: ${seen}`)));
  });
  server = proc;
  url = link;
  startup = said;
  base = new URL(link).origin;
}

/** Fetch from Node, as any other program on this machine could. */
const raw = (path, init = {}) => fetch(base + path, { redirect: 'manual', ...init });
const callRaw = (method, params = {}, headers = {}) =>
  raw('/api/call', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ method, params }) });

const t = (id) => page.getByTestId(id);

/** A step of the walk; when it fails, what the page showed is kept in $SERVE_SHOTS (else
 * target/serve-screenshots). */
const SHOTS = process.env.SERVE_SHOTS ?? join(resolve(fileURLToPath(new URL('.', import.meta.url)), '../..'), 'target', 'serve-screenshots');
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (e) {
      mkdirSync(SHOTS, { recursive: true });
      await page?.screenshot({ path: join(SHOTS, `failed-${name.replace(/[^\p{L}\p{N}]+/gu, '-')}.png`), fullPage: true }).catch(() => {});
      throw e;
    }
  });
}

before(async () => {
  await start();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

test('listens on loopback only, on the port of its link', () => {
  // The kernel's table of TCP sockets (as `ss -ltn` reads it): every socket listening on
  // the port, over IPv4 and IPv6, with its local address.
  const port = Number(new URL(url).port);
  const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) =>
    readFileSync(f, 'utf8').trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/))
      .filter(([, local, , state]) => state === '0A' && parseInt(local.split(':')[1], 16) === port)
      .map(([, local]) => local.split(':')[0]));
  // 127.0.0.1, as the kernel writes it (little-endian hex).
  assert.deepEqual(listening, ['0100007F']);
});

test('finds its UI and the documents\' fonts where it was told, or where its package put them', () => {
  const share = INSTALLED ? resolve(INSTALLED, '../../share/fengqiao') : null;
  assert.ok(startup.includes(`网页文件：${share ? join(share, 'ui') : DESK_UI}`), startup);
  assert.ok(startup.includes(`文书字体：${share ? join(share, 'fonts') : FONTS}`), startup);
});

test('refuses a request without the token, a wrong token, and the api without the cookie', async () => {
  let r = await raw('/');
  assert.equal(r.status, 403);
  assert.match(await r.text(), /未经启动链接进入/);
  r = await raw('/?token=' + '0'.repeat(64));
  assert.equal(r.status, 403);
  r = await callRaw('session.current');
  assert.equal(r.status, 403);
  r = await callRaw('session.current', {}, { cookie: 'fq_session=guessed' });
  assert.equal(r.status, 403);
});

step('first run in the browser: the station admin, the database encrypted, the demo post', async () => {
  await page.goto(url);
  // The token was traded for the cookie and left the address bar.
  assert.equal(page.url(), `${base}/`);
  // The link is good once: another program (or a second tab) using it again is refused.
  const again = await raw(new URL(url).pathname + new URL(url).search);
  assert.equal(again.status, 403);
  assert.match(await again.text(), /已经用过/);

  await t('admin-login').fill(ADMIN.login);
  await t('admin-password').fill(ADMIN.password);
  await t('admin-confirm').fill(ADMIN.password);
  await t('create-admin-submit').click();
  await t('create-admin').waitFor({ state: 'detached', timeout: 30_000 });
  assert.ok(existsSync(`${DB}.keys`), 'the key file beside the database: it is encrypted');
  // Restoring a backup needs this computer's file dialog: the browser says where to do it.
  await page.getByText('从备份恢复（换了电脑、重装系统时）').click();
  await assert.doesNotReject(t('desktop-only').waitFor());
  await t('import-demo').click();
  await t('home').waitFor({ timeout: 120_000 });
});

let resident = '';

step('finds a resident by a two-character name', async () => {
  // A head of household with a two-character name, as the page's own session reads them.
  const [cookie] = await context.cookies(base);
  const households = await (await callRaw('household.list', { page_size: 100 }, { cookie: `fq_session=${cookie.value}` })).json();
  resident = households.items.map((h) => h.head_name ?? '').find((n) => [...n].length === 2) ?? '';
  assert.equal([...resident].length, 2, JSON.stringify(households).slice(0, 300));
  await t('nav-/people').click();
  await page.keyboard.press('Control+k');
  await t('search-input').fill(resident);
  const hit = t('search-hit').filter({ hasText: resident }).first();
  await hit.click();
  await t('household-title').waitFor();
  assert.ok((await page.locator('.ant-table-tbody tr.ant-table-row td:first-child').allInnerTexts()).includes(resident));
});

/** The form item labelled `label`. */
const item = (label) =>
  page.locator(`xpath=//label[normalize-space(text())="${label}"]/ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-form-item ")][1]`).first();

/** Types into an Ant Design Select with search and picks the first option naming `text`. */
async function pick(label, text) {
  await item(label).locator('.ant-select-selector').click();
  await item(label).locator('input').first().fill(text);
  // The option naming it, once the search behind the list has answered.
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first().click();
}

/** Waits until no Ant Design enter/leave animation runs (a dialog zooming in moves its
 * fields under the pointer). */
async function settled() {
  await page.waitForFunction(() => document.querySelectorAll("[class*='-enter'], [class*='-appear'], [class*='-leave']").length === 0);
}

const day = (offset) => new Date(Date.now() + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);

step('takes a dispute from intake to a finalised agreement and prints it as a download', async () => {
  await t('nav-/disputes').click();
  await t('new-dispute').click();
  await settled();
  await t('dispute-title').fill(`${resident}与周立新排水沟纠纷`);
  await pick('纠纷类型', '邻里');
  await item('纠纷主要事实').locator('textarea').fill('两家房后共用排水沟堵塞，雨天积水漫入周家院内。');
  await item('争议事项').locator('textarea').fill('排水沟清理及费用分担。');
  await item('各方责任').locator('textarea').fill('双方均有疏于清理的责任。');
  await pick('从登记人员中选择', resident);
  await t('party-0-ethnicity').fill('汉族');
  await t('party-0-phone').fill('13800000001');
  await t('party-1-name').fill('周立新');
  await t('party-1-id-number').fill('330326198001011231');
  await t('party-1-ethnicity').fill('汉族');
  await t('party-1-phone').fill('13900000002');
  await t('party-1-address').fill('青山镇青山村3组18号');
  await t('dispute-save').click();
  await t('dispute-case').waitFor({ timeout: 15_000 });

  await t('action-mediate').click();
  await t('mediation-form').waitFor();
  await settled();
  await page.locator('label', { hasText: '达成一致' }).first().click();
  await item('调解员').locator('input').fill('陈百川');
  await page.keyboard.press('Enter');
  await t('mediation-recorder').fill('李警官');
  await t('mediation-save').click();
  await t('agreement-form').waitFor({ timeout: 15_000 });

  await t('agreement-terms').fill('双方于十日内共同清理排水沟，费用各半承担；今后每年汛期前共同清理一次。');
  await t('agreement-method').fill('共同出工，现金分担');
  await t('agreement-place').fill('两家房后排水沟');
  await t('agreement-deadline').fill(day(10));
  await t('agreement-effective-on').fill(day(0));
  await item('份数').locator('input').fill('3');
  await t('agreement-finalise').click();
  const final = t('agreement-final');
  await final.waitFor({ timeout: 15_000 });
  const number = (await final.innerText()).match(/[（〔]\d{4}[）〕].*?调字第\s*\d+\s*号/)?.[0];
  assert.ok(number, await final.innerText());
  assert.equal(await t('dispute-status').innerText(), '履行中');

  // 打印协议书: no save dialog in a browser; the PDF comes as a download of the suggested name.
  const [download] = await Promise.all([page.waitForEvent('download'), t('print-agreement').click()]);
  assert.match(download.suggestedFilename(), /^调解协议书-.*\.pdf$/);
  const pdf = join(dir, 'agreement.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  assert.ok(text.includes('人民调解协议书'), text.slice(0, 200));
  assert.ok(text.includes(number.replace(/\s+/g, '')), `the agreement's number ${number}`);
  assert.ok(text.includes('周立新') && text.includes(resident), 'both parties');
  assert.ok(text.includes('双方于十日内共同清理排水沟'), 'the terms as typed');
  await page.getByText('已下载').first().waitFor();
});

step('the screens that need a file dialog of this computer say so in the browser', async () => {
  await t('nav-/backup').click();
  // The dispute page left behind has its own notice (its agreement's scans): wait for 备份's.
  const notice = t('desktop-only').filter({ hasText: 'fengqiao backup' });
  await notice.waitFor();
  assert.equal(await t('desktop-only').count(), 1, 'only 备份 is on screen');
  assert.equal(await t('backup-run').count(), 0);
});

test('a page of another site pointed at 127.0.0.1 is refused, even with the cookie', async () => {
  const [cookie] = await context.cookies(base);
  assert.equal(cookie.name, 'fq_session');
  assert.ok(cookie.httpOnly && cookie.sameSite === 'Strict');
  // fetch() will not name another host; a plain request does, as a rebound page's would.
  const status = await new Promise((ok, fail) => {
    const u = new URL(base);
    const req = request({ host: u.hostname, port: u.port, path: '/api/call', method: 'POST',
      headers: { host: `evil.example:${u.port}`, cookie: `fq_session=${cookie.value}`, 'content-type': 'application/json' } },
    (res) => { res.resume(); ok(res.statusCode); });
    req.on('error', fail);
    req.end(JSON.stringify({ method: 'session.current', params: {} }));
  });
  assert.equal(status, 403);
  // The same cookie from this site's own address passes.
  const ok = await callRaw('session.current', {}, { cookie: `fq_session=${cookie.value}` });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).login, ADMIN.login);
});

step('after a restart the old session is refused and the login unlocks the database', async () => {
  const [old] = await context.cookies(base);
  await stop(server);
  await start();
  const r = await callRaw('session.current', {}, { cookie: `fq_session=${old.value}` });
  assert.equal(r.status, 403, 'a cookie of an earlier launch');
  await page.goto(url);
  await t('login-name').fill(ADMIN.login);
  await t('login-password').fill('Wrong2026pw');
  await t('login-submit').click();
  await t('login-error').waitFor();
  await t('login-password').fill(ADMIN.password);
  await t('login-submit').click();
  await t('home').waitFor({ timeout: 30_000 });
  // The core audited what the browser did, as in the app: the agreement printed.
  const [cookie] = await context.cookies(base);
  const audit = await (await callRaw('audit.list', { action: 'print' }, { cookie: `fq_session=${cookie.value}` })).json();
  assert.ok(audit.total >= 1, JSON.stringify(audit).slice(0, 300));
});
