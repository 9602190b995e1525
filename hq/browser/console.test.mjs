// The county console in a real browser (Debian's chromium, headless, playwright-core)
// against the real `fengqiao-hq serve` over HTTPS, with two real posts (`fengqiao`) that
// enroll with one-time codes issued in the console and sync into it: one over the network
// (pinning HQ's certificate), one by USB through the relay page.
//
// What it checks, as a county would: login, a wrong password and the lockout; TOTP
// enrolment, a wrong code, a reset phone; enrolling two posts; the county's figures equal
// the sum of the posts' own; the 督办 list is the posts' own overdue lists; the 预警 list
// naming a party's dispute at the other post; 疑似重复人员 decided as one person; finding a
// resident; assigning a dispute to a post, which receives it at its next sync; a
// station_leader refused another station's rows by the api itself (direct POSTs, not the
// page); a viewer never receiving a name or ID number (every response read); the rows of a
// post's sync HQ did not take, listed per post with why (not to a viewer, nor another
// station's leader); a request from another site refused.
//
// Binaries from $FENGQIAO_BIN_DIR, else $CARGO_TARGET_DIR/debug, else target/debug; the
// built console from $CONSOLE_DIR, else ui/dist-console (`cd ui && npm run build:console`);
// the browser from $CHROMIUM, else /usr/bin/chromium.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CONSOLE_DIR, FENGQIAO_HQ, FONTS, login, need, passwordStep, post, postJson, run, serve, stop } from './hq.mjs';

need('fengqiao', 'fengqiao-hq', 'console', 'chromium');

const dir = mkdtempSync(join(tmpdir(), 'fq-console-'));
const hqData = join(dir, 'hq');
const A = join(dir, 'a.db'); // 青山: the demo post, over the network
const B = join(dir, 'b.db'); // 溪口: a small post, by USB through the relay page
const B_VILLAGE = '330326102301';
const DEMO_VILLAGES = ['330326101201', '330326101202', '330326101203', '330326101204',
  '330326101205', '330326101206', '330326101207', '330326101208'];
const ADMIN = { login: 'admin', password: 'Xianju2026' };
const QIAN_ID = '11010519491231002X';
let sunAtB; // 溪口's 孙口
const OUTSIDE = '330326101299'; // a village code HQ gives no post
const MONTH = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7); // Beijing

const hq = (...args) => run(FENGQIAO_HQ, ['--data', hqData, ...args], { FENGQIAO_PASSWORD: ADMIN.password });

let server;
let base;
let browser;

before(async () => {
  // HQ: a node, encrypted with its first county admin, and a certificate for 127.0.0.1.
  const serviceKey = join(dir, 'hq.service-key');
  hq('init', '--name', '县公安局', '--admin', ADMIN.login, '--service-key', serviceKey);
  hq('tls-cert', '--host', '127.0.0.1');

  // Post A: a post's worth of demo data; post B: one village of its own, with a dispute.
  post(A, 'demo', '--households', '300', '--seed', '7');
  // Before it enrolls, 青山 also made a village under a code HQ will not give it, with a
  // household in it: HQ will not take those rows from its first sync.
  const outside = postJson(A, 'village.create', { name: '越界新村', code: OUTSIDE });
  postJson(A, 'household.create', { village_id: outside.id, house_no: '99' });
  const v = postJson(B, 'village.create', { name: '溪口新村', code: B_VILLAGE });
  const h = postJson(B, 'household.create', { village_id: v.id, house_no: '8' });
  const qian = postJson(B, 'person.create', { household_id: h.id, name: '钱溪', residence: 'permanent', id_number: QIAN_ID });
  const sun = postJson(B, 'person.create', { household_id: h.id, name: '孙口', residence: 'permanent', birth_date: '1950-03-04' });
  sunAtB = sun.id;
  // 钱溪 is a party at both posts: B's resident at B, typed in by ID number at A. Only HQ
  // can see both. 孙口 is registered at both (same name and birth date, no ID number).
  postJson(B, 'dispute.create', { source: 'walk_in', kind: 'neighbour', title: '钱溪与孙口排水纠纷', village_id: v.id,
    facts: '两家因排水沟争执', parties: [{ role: 'applicant', person_id: qian.id }, { role: 'respondent', person_id: sun.id }] });
  const aVillage = postJson(A, 'village.list')[0].id;
  postJson(A, 'dispute.create', { source: 'walk_in', kind: 'neighbour', title: '钱溪与赵六借款纠纷', village_id: aVillage,
    facts: '借款到期未还', parties: [{ role: 'applicant', name: '钱溪', id_number: QIAN_ID },
      { role: 'respondent', name: '赵六', sex: 'male', age: 52 }] });
  postJson(A, 'person.create', { name: '孙口', residence: 'permanent', birth_date: '1950-03-04' });

  // The server installed as a county would: the binary with the documents' fonts beside it
  // (`fonts/`, as the desk's package ships them), and no FENGQIAO_FONT_DIR.
  const install = join(dir, 'install');
  mkdirSync(join(install, 'fonts'), { recursive: true });
  copyFileSync(FENGQIAO_HQ, join(install, 'fengqiao-hq'));
  chmodSync(join(install, 'fengqiao-hq'), 0o755);
  for (const f of ['NotoSerifSC-Regular.ttf', 'NotoSerifSC-Bold.ttf', 'OFL.txt']) {
    copyFileSync(join(FONTS, f), join(install, 'fonts', f));
  }
  const env = { ...process.env };
  delete env.FENGQIAO_FONT_DIR;
  let said;
  ({ server, base, said } = await serve(hqData, [
    '--tls-cert', join(hqData, 'tls', 'cert.pem'), '--tls-key', join(hqData, 'tls', 'key.pem'),
    '--console-dir', CONSOLE_DIR, '--unlock', 'service-key', '--service-key', serviceKey,
  ], { bin: join(install, 'fengqiao-hq'), env }));
  assert.ok(said.includes(`文书字体：${join(install, 'fonts')}`), said);
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

after(async () => {
  // What the admin's page showed last, for a failure's post-mortem.
  await admin?.page.screenshot({ path: join(tmpdir(), 'fq-console-last.png'), fullPage: true }).catch(() => {});
  await browser?.close();
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh browser context (its own cookies) that accepts HQ's self-signed certificate and records every /api/ reply. */
async function open() {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const replies = [];
  page.on('response', async (r) => {
    if (r.url().includes('/api/')) replies.push({ url: r.url(), status: r.status(), body: await r.text().catch(() => '') });
  });
  await page.goto(base + '/');
  return { context, page, replies };
}

/** Picks `name` in an Ant Design select (its visible dropdown's option, not the hidden a11y list). */
async function choose(page, select, name) {
  await select.click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: name }).first().click();
}

/** A direct api call from the page's own context (its cookie, its origin): what a script in the page could do. */
const direct = (page, method, params = {}) =>
  page.evaluate(async ([method, params]) => {
    const r = await fetch('/api/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, params }) });
    return { status: r.status, body: await r.json() };
  }, [method, params]);

let admin; // the admin's page, kept across tests
const codes = {};

test('the county admin logs in with a password and enrols a phone; a wrong password is refused', async () => {
  admin = await open();
  const { page } = admin;
  await passwordStep(page, { login: ADMIN.login, password: 'Wrong2026' });
  await page.getByTestId('login-error').waitFor();
  assert.match(await page.getByTestId('login-error').innerText(), /用户名或密码错误/);
  await login(page, ADMIN);
  await page.getByTestId('overview-totals').waitFor();
  assert.equal(await page.getByTestId('hq-name').innerText(), '县公安局');
  // The cookie carries the session; the page's script never sees it.
  const cookies = await admin.context.cookies();
  const session = cookies.find((c) => c.name === '__Host-fq_session');
  assert.ok(session, cookies.map((c) => c.name).join());
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie), '');
  assert.ok(admin.replies.every((r) => !/"token"/.test(r.body)), 'no reply carries the session token');
});

test("the county admin enters 2027's calendar from the notice's lines; a wrong line is refused and changes nothing", async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '工作日历' }).click();
  const cal = page.getByTestId('hq-calendar');
  await cal.getByTestId('work-calendar-year').fill('2027');
  await cal.getByTestId('work-calendar-notice').waitFor();
  assert.equal(await cal.getByTestId('work-calendar-notice').innerText(), '2027 年节假日安排尚未录入，期限按周一至周五计算');
  const text = cal.getByTestId('work-calendar-text');
  await text.fill('一、元旦：1月1日（周五）至3日（周日）放假，共3天。1月4日（周一）上班。');
  await cal.getByTestId('work-calendar-save').click();
  await cal.getByTestId('work-calendar-error').waitFor();
  assert.match(await cal.getByTestId('work-calendar-error').innerText(), /2027-01-04 是星期一，本来就上班/);
  await text.fill('一、元旦：1月1日（周五）至3日（周日）放假，共3天。');
  await cal.getByTestId('work-calendar-save').click();
  await cal.getByText('2027-01-03').waitFor();
  assert.equal(await cal.getByTestId('work-calendar-notice').count(), 0);
  assert.equal(await cal.locator('tbody tr').count(), 3);
  // What the page showed is what HQ holds.
  const held = await direct(page, 'hq.calendar', { year: 2027 });
  assert.deepEqual(held.body.days.map((d) => d.day), ['2027-01-01', '2027-01-02', '2027-01-03']);
});

test('the admin sets up two stations and enrolls two posts with one-time codes', async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '警务室' }).click();
  for (const name of ['青山派出所', '溪口派出所']) {
    await page.getByTestId('station-name').fill(name);
    await page.getByTestId('station-add').click();
    await page.getByTestId('stations').getByText(name, { exact: true }).waitFor();
  }
  for (const [key, name, villages, station] of [
    ['a', '青山警务室', DEMO_VILLAGES.join(','), '青山派出所'],
    ['b', '溪口警务室', B_VILLAGE, '溪口派出所'],
  ]) {
    await page.getByTestId('enroll-code').click();
    await page.getByTestId('code-name').fill(name);
    await page.getByTestId('code-villages').fill(villages);
    await choose(page, page.getByTestId('code-station'), station);
    await page.getByTestId('enroll-code-submit').click();
    const issued = page.getByTestId('issued-code');
    await issued.waitFor();
    codes[key] = (await issued.innerText()).trim();
    assert.match(codes[key], /^[A-Z2-9]{4}(-[A-Z2-9]{4}){4}$/);
    await page.getByTestId('enroll-code-done').click();
  }
  // Each post's admin types the code; over HTTPS the post pins HQ's certificate.
  assert.match(post(A, 'enroll', '--hq', base, '--code', codes.a), /县公安局/);
  assert.match(post(B, 'enroll', '--hq', base, '--code', codes.b), /县公安局/);
  await page.reload();
  await page.getByTestId('posts').getByRole('cell', { name: '青山警务室' }).waitFor();
  await page.getByTestId('posts').getByRole('cell', { name: '溪口警务室' }).waitFor();
});

// The posts' own figures and overdue lists, read at the posts before they sync.
let ownStats;
let ownOverdue;

test('one post syncs over HTTPS, the other by USB through the relay page, and the overview shows both', async () => {
  ownStats = [A, B].map((db) => JSON.parse(post(db, '--json', 'stats', '--month', MONTH)));
  ownOverdue = [A, B].map((db) => ({
    fulfilment: postJson(db, 'dispute.overdue_fulfilments').map((o) => o.agreement_id),
    follow_up: postJson(db, 'followup.due').filter((d) => d.days_overdue >= 0).map((d) => d.id),
    errand: postJson(db, 'errand.overdue').map((e) => e.id),
    hazard: postJson(db, 'hazard.overdue').map((h) => h.id),
  }));

  assert.match(post(A, 'sync', '--hq', base), /已发送/);

  const relay = await browser.newPage({ ignoreHTTPSErrors: true, acceptDownloads: true });
  await relay.goto(base + '/relay');
  const bundle = join(dir, '溪口警务室.fqsync');
  post(B, 'bundle', 'export', '--out', bundle);
  await relay.setInputFiles('#bundle', bundle);
  const [download] = await Promise.all([relay.waitForEvent('download'), relay.click('#send')]);
  const reply = join(dir, 'reply.fqsync');
  await download.saveAs(reply);
  assert.match(post(B, 'bundle', 'import', reply), /第 1 号同步包/);
  await relay.close();

  const { page } = admin;
  await page.getByRole('menuitem', { name: '总览' }).click();
  const rows = page.getByTestId('overview-posts').locator('tbody tr');
  await page.getByTestId('overview-posts').getByText('溪口警务室').waitFor();
  const text = await rows.allInnerTexts();
  assert.equal(text.length, 2, text.join('\n'));
  assert.ok(text.every((t) => !t.includes('从未同步')), text.join('\n'));
});

test("the county's month equals the sum of the posts' own", async () => {
  const { page, replies } = admin;
  await page.getByRole('menuitem', { name: '统计' }).click();
  await page.getByTestId('stats-figures').waitFor();
  const reply = replies.filter((r) => r.body.includes('"by_post"')).at(-1);
  const county = JSON.parse(reply.body).total;
  const sum = (f) => ownStats.reduce((n, s) => n + f(s), 0);
  for (const [what, f] of [
    ['受理', (s) => s.disputes.received],
    ['调解', (s) => s.disputes.mediated],
    ['调解成功', (s) => s.disputes.settled],
    ['调解不成', (s) => s.disputes.failed],
    ['人民调解协议', (s) => s.agreements.people],
    ['治安调解协议', (s) => s.agreements.security],
    ['应回访', (s) => s.follow_ups.due],
    ['已回访', (s) => s.follow_ups.done],
    ['代办受理', (s) => s.errands.accepted],
    ['代办办结', (s) => s.errands.done],
    ['警情', (s) => s.incidents_total],
    ['走访', (s) => s.visits],
  ]) {
    assert.equal(f(county), sum(f), what);
  }
  assert.ok(county.disputes.received > 0, 'the demo month has disputes');
  // What the page shows is that figure.
  assert.equal(await page.getByTestId('figure-received').innerText(), String(county.disputes.received));
  // A figure opens the records behind it.
  await page.getByTestId('figure-received').click();
  const records = page.getByTestId('figure-records');
  await records.locator('tbody tr').first().waitFor();
  assert.match(await records.innerText(), new RegExp(`共 ${county.disputes.received} 条`));
  await page.keyboard.press('Escape');
  // The month as a PDF, made with the fonts the server found beside itself.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-export-pdf').click()]);
  const pdf = join(dir, 'county.pdf');
  await download.saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /县公安局（全县）.*工作统计/, text.slice(0, 500));
  assert.match(execFileSync('pdffonts', [pdf], { encoding: 'utf8' }), /NotoSerifSC/);
});

test("after a post's sync, HQ makes the county's month again before it is asked for, the sync counted", async () => {
  const { page } = admin;
  const was = (await direct(page, 'hq.stats', { month: MONTH })).body;
  // 青山 takes in a dispute today and syncs.
  const village = postJson(A, 'village.list')[0].id;
  postJson(A, 'dispute.create', { source: 'walk_in', kind: 'neighbour', title: '赵七与邻居地界纠纷', village_id: village,
    facts: '地界不清', parties: [{ role: 'applicant', name: '赵七', sex: 'male', age: 40 }] });
  const synced = Date.now();
  assert.match(post(A, 'sync', '--hq', base), /已发送/);
  // Asked at once: the figures made before the sync, marked as being made again (or, made
  // longer than a minute ago, the new ones, computed for the call).
  const first = (await direct(page, 'hq.stats', { month: MONTH })).body;
  const received = was.total.disputes.received + (first.refreshing ? 0 : 1);
  assert.equal(first.total.disputes.received, received, JSON.stringify({ refreshing: first.refreshing, as_of: first.as_of }));
  // The page asks again by itself until they are made, and shows the new figure.
  await page.getByRole('menuitem', { name: '督办' }).click();
  await page.getByRole('menuitem', { name: '统计' }).click();
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="figure-received"]')?.textContent === n
      && !document.querySelector('[data-testid="stats-refreshing"]'),
    String(was.total.disputes.received + 1),
    { timeout: 20000 },
  );
  // HQ waits for its data to stand still for 1 s, then makes what was asked for lately.
  await new Promise((ok) => setTimeout(ok, 8000));
  const asked = Date.now();
  const now = (await direct(page, 'hq.stats', { month: MONTH })).body;
  assert.equal(now.total.disputes.received, was.total.disputes.received + 1);
  const asOf = Date.parse(now.as_of);
  const times = `made ${now.as_of}, sync began ${new Date(synced).toISOString()}, asked ${new Date(asked).toISOString()}`;
  assert.ok(asOf >= synced - 1000, `made before the sync: ${times}`);
  assert.ok(asOf < asked - 2000, `made when asked for, not before: ${times}`);
  // The page says when.
  await page.getByRole('menuitem', { name: '督办' }).click();
  await page.getByRole('menuitem', { name: '统计' }).click();
  await page.getByTestId('stats-as-of').getByText(/数据截至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/).waitFor();
});

test("the 督办 list is the posts' own overdue lists, and a dispute on it is assigned to the other post, which receives it", async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '督办' }).click();
  await page.getByTestId('overdue-list').locator('tbody tr').first().waitFor();
  const all = await direct(page, 'hq.overdue', { page: 1, page_size: 500 });
  assert.equal(all.status, 200);
  for (const kind of ['fulfilment', 'follow_up', 'errand', 'hazard']) {
    const county = all.body.page.items.filter((i) => i.kind === kind).map((i) => i.item_id).sort();
    const posts = ownOverdue.flatMap((o) => o[kind]).sort();
    assert.deepEqual(county, posts, kind);
  }
  assert.match(await page.getByTestId('overdue-list').innerText(), new RegExp(`共 ${all.body.page.total} 项`));

  // One click to the record, and from its page to 溪口警务室.
  const first = all.body.page.items.find((i) => i.table === 'dispute');
  await page.getByTestId('overdue-kind').getByText(/协议逾期未履行|到期未回访/).first().click();
  await page.getByTestId('overdue-list').getByText(first.title).first().click();
  await page.getByTestId('dispute-title').waitFor();
  await choose(page, page.getByTestId('post-filter').last(), '溪口警务室');
  await page.getByTestId('assign-note').fill('请联调');
  await page.getByTestId('assign').click();
  await page.getByText('已指派给“溪口警务室”，下次同步时送达').waitFor();

  post(B, 'sync', '--hq', base);
  const received = postJson(B, 'assignment.list');
  assert.ok(received.some((a) => a.row_id === first.id), JSON.stringify(received));
  // HQ learns of the delivery from the acknowledgement in the post's next bundle.
  post(B, 'sync', '--hq', base);
  await page.getByRole('menuitem', { name: '指派' }).click();
  await page.getByTestId('assignments').getByText('已送达').waitFor();
});

test("the 预警 list names a party's dispute at the other post, which neither post sees; each view is audited", async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '风险预警' }).click();
  await page.getByTestId('warnings-list').locator('tbody tr').first().waitFor();
  await choose(page, page.getByTestId('post-filter'), '溪口警务室');
  // Until the filtered page arrives, 青山's row is there too, and its reasons name this dispute.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=warnings-list] tbody tr.ant-table-row')];
    return rows.length > 0 && rows.every((r) => r.cells[2]?.innerText.trim() === '溪口警务室');
  });
  const row = page.getByTestId('warnings-list').locator('tbody tr.ant-table-row', { hasText: '钱溪与孙口排水纠纷' });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /溪口警务室/);
  assert.match(text, /溪口新村/);
  assert.match(text, /当事人钱溪在青山警务室另涉纠纷1件/);
  assert.match(text, /青山警务室：纠纷“钱溪与赵六借款纠纷”/);
  // 青山's side, straight from the api, and filtered by level.
  const all = await direct(page, 'hq.warnings', { page_size: 500 });
  const mine = all.body.items.find((w) => w.title === '钱溪与赵六借款纠纷');
  assert.ok(mine, JSON.stringify(all.body.items.map((w) => w.title)));
  assert.equal(mine.post_name, '青山警务室');
  assert.ok(mine.risk.reasons.some((r) => r.signal === 'cross_post' && r.text.includes('在溪口警务室另涉纠纷1件')));
  const same = await direct(page, 'hq.warnings', { level: mine.risk.level, page_size: 500 });
  assert.ok(same.body.items.every((w) => w.risk.level === mine.risk.level));
  assert.ok(same.body.items.some((w) => w.dispute_id === mine.dispute_id));
  // Each post's own list knows nothing of the other post.
  for (const [db, other] of [[A, '溪口警务室'], [B, '青山警务室']]) {
    const own = JSON.stringify(postJson(db, 'warning.list'));
    assert.ok(!own.includes(other) && !own.includes('cross_post'), own);
  }
  const audit = await direct(page, 'hq.audit', { login: ADMIN.login, action: 'list', page_size: 200 });
  assert.ok(audit.body.entries.some((e) => (e.detail ?? '').startsWith('hq.warnings')), JSON.stringify(audit.body.entries));
});

test("疑似重复人员: 孙口 at both posts is the same person, and 青山 is handed 溪口's record", async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '疑似重复人员' }).click();
  const row = page.getByTestId('duplicates').locator('tbody tr.ant-table-row', { hasText: '孙口' });
  await row.waitFor();
  assert.match(await row.innerText(), /姓名、出生日期相同/);
  await row.getByRole('button', { name: '同一人，由青山警务室管理' }).click();
  await page.getByText('已指派给“青山警务室”', { exact: false }).waitFor();
  await row.waitFor({ state: 'detached' });
  // The decision is audited; 青山 receives the record at its next sync, 溪口 keeps its own.
  const audit = await direct(page, 'hq.audit', { login: ADMIN.login, action: 'create', page_size: 200 });
  assert.ok(audit.body.entries.some((e) => e.tbl === 'duplicate_decision' && /是同一人/.test(e.detail ?? '')), JSON.stringify(audit.body.entries));
  post(A, 'sync', '--hq', base);
  assert.equal(postJson(A, 'person.get', { id: sunAtB }).name, '孙口');
  assert.equal(postJson(B, 'person.get', { id: sunAtB }).name, '孙口');
  // Never suggested again.
  const left = await direct(page, 'hq.duplicates', {});
  assert.ok(!JSON.stringify(left.body).includes(sunAtB), JSON.stringify(left.body));
});

test('a resident is found county-wide and opened read-only', async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '人员查询' }).click();
  await page.getByTestId('search-text').fill('钱溪');
  await page.getByTestId('search-text').press('Enter');
  await page.getByTestId('search-hits').getByText('钱溪').click();
  await page.getByTestId('record').waitFor();
  assert.match(await page.getByTestId('record').innerText(), /11010519491231002X/);
});

test("rows a post's sync brought that HQ did not take are listed per post with why, and the view is audited", async () => {
  const { page } = admin;
  await page.getByRole('menuitem', { name: '未采用' }).click();
  const table = page.getByTestId('refusals');
  await table.getByText(OUTSIDE).first().waitFor();
  const rows = await table.locator('tbody tr').allInnerTexts();
  assert.ok(rows.length >= 2, rows.join('\n')); // the village and the household in it
  assert.ok(rows.every((r) => r.includes('青山警务室')), rows.join('\n'));
  // HQ holds neither row, so they go by kind and id, with why.
  assert.ok(rows.some((r) => r.includes('村（社区）') && r.includes(`该村（社区）的区划代码 ${OUTSIDE} 不在县局登记给本警务室的辖区`)), rows.join('\n'));
  assert.ok(rows.some((r) => r.includes('户') && r.includes(`所属村（社区）的区划代码 ${OUTSIDE}`)), rows.join('\n'));
  // Per post: 溪口's list is empty.
  await choose(page, page.getByTestId('post-filter').last(), '溪口警务室');
  await table.getByText('各警务室的同步包都已全部采用').waitFor();
  // The county's audit log has the admin's views of the list.
  const audit = await direct(page, 'hq.audit', { login: ADMIN.login, action: 'list', page_size: 100 });
  assert.ok(audit.body.entries.some((e) => /hq\.refusals/.test(e.detail ?? '')), JSON.stringify(audit.body.entries.slice(0, 5)));
});

/** Creates a county login through the 用户 screen. */
async function createUser(page, user) {
  await page.getByRole('menuitem', { name: '用户' }).click();
  await page.getByTestId('user-create').click();
  await page.getByTestId('new-login').fill(user.login);
  await choose(page, page.getByTestId('new-role'), user.roleLabel);
  if (user.station) await choose(page, page.getByTestId('new-station'), user.station);
  await page.getByTestId('new-password').fill(user.initial);
  await page.getByTestId('new-user-submit').click();
  await page.getByTestId('users').getByRole('cell', { name: user.login, exact: true }).waitFor();
}

/** First login of a new account: initial password, phone, a new password. */
async function firstLogin(user) {
  const s = await open();
  await login(s.page, { login: user.login, password: user.initial });
  await s.page.getByTestId('old-password').fill(user.initial);
  await s.page.getByTestId('new-password').fill(user.password);
  await s.page.getByTestId('new-password-again').fill(user.password);
  await s.page.getByTestId('password-submit').click();
  await s.page.getByTestId('overview-totals').waitFor();
  return s;
}

test("a station leader is refused another station's rows by the api itself", async () => {
  const leader = { login: 'xikou', initial: 'Chushi2026', password: 'Xikou2026a', roleLabel: '派出所负责人', station: '溪口派出所' };
  await createUser(admin.page, leader);
  const { page, context } = await firstLogin(leader);
  // 青山's dispute, by id, straight at the api.
  const aDispute = postJson(A, 'dispute.list', { page_size: 1 }).items[0];
  const refused = await direct(page, 'hq.record', { table: 'dispute', id: aDispute.id });
  assert.ok([403, 404].includes(refused.status), JSON.stringify(refused));
  assert.ok(/[\u4e00-\u9fff]/.test(refused.body.message), refused.body.message);
  // 青山's residents are mostly 王, 李, 张…; 溪口 has none of them.
  const wang = await direct(page, 'hq.search', { text: '王' });
  assert.equal(wang.status, 200);
  assert.deepEqual(wang.body.hits, []);
  const own = await direct(page, 'hq.search', { text: '钱溪' });
  assert.deepEqual(own.body.hits.map((h) => h.name), ['钱溪']);
  const overdue = await direct(page, 'hq.overdue', { page_size: 500 });
  assert.ok(overdue.body.page.items.every((i) => i.post_name === '溪口警务室'), JSON.stringify(overdue.body.page.items));
  const stats = await direct(page, 'hq.stats', { month: MONTH });
  assert.deepEqual(stats.body.by_post.map((p) => p.name), ['溪口警务室']);
  const other = await direct(page, 'hq.overview', { station_id: null });
  assert.deepEqual(other.body.posts.items.map((p) => p.name), ['溪口警务室']);
  // 青山's refused rows: not in the leader's list, and refused when asked for by post.
  const refusals = await direct(page, 'hq.refusals', {});
  assert.equal(refusals.status, 200, JSON.stringify(refusals));
  assert.deepEqual(refusals.body.items, []);
  const qingshan = (await direct(admin.page, 'hq.posts', {})).body.items.find((p) => p.name === '青山警务室');
  const theirs = await direct(page, 'hq.refusals', { post: qingshan.id });
  assert.equal(theirs.status, 403, JSON.stringify(theirs));
  await context.close();
});

test('a viewer never receives a name or ID number, through the pages or straight from the api', async () => {
  const viewer = { login: 'kanshu', initial: 'Chushi2026', password: 'Kanshu2026a', roleLabel: '统计查看' };
  await createUser(admin.page, viewer);
  const { page, replies, context } = await firstLogin(viewer);
  await page.getByRole('menuitem', { name: '统计' }).click();
  await page.getByTestId('stats-figures').waitFor();
  await page.getByTestId('stats-by-post').waitFor();
  await page.getByRole('menuitem', { name: '警务室' }).click();
  await page.getByTestId('posts').locator('tbody tr').first().waitFor();
  // 风险预警: the counts per post, and nothing more.
  await page.getByRole('menuitem', { name: '风险预警' }).click();
  await page.getByTestId('warning-counts').getByText('溪口警务室').waitFor();
  const menu = await page.getByRole('menu').innerText();
  assert.doesNotMatch(menu, /人员查询|督办|未采用/);
  for (const [method, params] of [
    ['hq.search', { text: '钱溪' }],
    ['hq.record', { table: 'person', id: postJson(B, 'search', { text: '钱溪' }).hits[0].person_id }],
    ['hq.overdue', {}],
    ['hq.stats_records', { month: MONTH, figure: 'received' }],
    ['hq.refusals', {}],
  ]) {
    const r = await direct(page, method, params);
    assert.equal(r.status, 403, `${method}: ${JSON.stringify(r)}`);
    replies.push({ url: method, status: r.status, body: JSON.stringify(r.body) });
  }
  // Every name and ID number the posts hold, against every byte the viewer received.
  const people = [A, B].flatMap((db) =>
    ['王', '李', '张', '刘', '陈', '杨', '钱', '孙'].flatMap((s) => postJson(db, 'search', { text: s, page_size: 100 }).hits));
  assert.ok(people.length > 50, `${people.length} residents to look for`);
  const everything = replies.map((r) => r.body).join('\n');
  for (const p of people) {
    assert.ok(!everything.includes(p.name), `a viewer received the name ${p.name}`);
    if (p.id_number) assert.ok(!everything.includes(p.id_number), `a viewer received an ID number`);
  }
  await context.close();
});

test('five wrong passwords lock a login; a lost phone is reset by the admin', async () => {
  const clerk = { login: 'duban', initial: 'Chushi2026', password: 'Duban2026a', roleLabel: '县局督办' };
  await createUser(admin.page, clerk);
  await (await firstLogin(clerk)).context.close();
  const { page, context } = await open();
  // A wrong code is refused after a right password.
  await passwordStep(page, clerk);
  await page.getByTestId('login-otp').fill('000000');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-error').waitFor();
  assert.match(await page.getByTestId('login-error').innerText(), /动态口令/);
  await page.getByRole('button', { name: '换一个账号' }).click();
  for (let i = 0; i < 5; i++) {
    await passwordStep(page, { login: clerk.login, password: `Wrong${i}2026` });
    await page.getByTestId('login-error').waitFor();
  }
  await passwordStep(page, clerk);
  await page.getByText(/锁定/).first().waitFor();
  await context.close();

  // The admin unlocks the login and resets its phone: the next login enrols a new one.
  const { page: a } = admin;
  await a.reload(); // the list as it is now, with the lock
  await a.getByRole('menuitem', { name: '用户' }).click();
  const row = a.getByTestId('users').locator('tr', { hasText: clerk.login });
  await row.getByRole('button', { name: '解除锁定' }).click();
  await row.getByTestId('reset-totp').click();
  await a.getByTestId('reset-totp-confirm').click();
  await a.getByText(`已重置“${clerk.login}”的动态口令`).waitFor();
  const again = await open();
  await passwordStep(again.page, clerk);
  await again.page.getByTestId('otp-enrol').waitFor();
  await again.context.close();
});

test('a request from another site is refused even with the session cookie', async () => {
  const cookie = (await admin.context.cookies()).find((c) => c.name === '__Host-fq_session');
  const attempt = (headers) =>
    admin.page.request.post(base + '/api/call', {
      headers: { cookie: `${cookie.name}=${cookie.value}`, ...headers },
      data: JSON.stringify({ method: 'hq.users', params: {} }),
    });
  const cross = await attempt({ 'content-type': 'application/json', origin: 'https://evil.example' });
  assert.equal(cross.status(), 403);
  assert.match((await cross.json()).message, /其他网站/);
  const form = await attempt({ 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status(), 415);
  const same = await attempt({ 'content-type': 'application/json', origin: base });
  assert.equal(same.status(), 200);
  // And the open pages name nobody.
  const open = await admin.page.request.get(base + '/relay');
  assert.doesNotMatch(await open.text(), /青山警务室|钱溪/);
});
