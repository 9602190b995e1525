// The station relay page of `fengqiao-hq serve`, in a real browser: Debian's chromium,
// headless, driven by playwright-core. Everything around it is real too: HQ's data dir and
// the post's database are set up with the `fengqiao-hq` and `fengqiao` binaries, the post's
// bundle comes from `fengqiao bundle export`, and the reply the browser downloads must be
// accepted by `fengqiao bundle import`. A file of random bytes sent through the page must
// show the Chinese refusal reason and leave HQ's files untouched.
//
// Where the binaries and the browser are found: see hq.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, FENGQIAO, FENGQIAO_HQ, need, run, serve, stop } from './hq.mjs';

const VILLAGE = '330326101201';
need('fengqiao', 'fengqiao-hq', 'chromium');

const dir = mkdtempSync(join(tmpdir(), 'fq-relay-'));
const hqData = join(dir, 'hq');
const postDb = join(dir, 'post.db');
const p = (name) => join(dir, name);

const post = (...args) => run(FENGQIAO, ['--db', postDb, ...args]);
const hq = (...args) => run(FENGQIAO_HQ, ['--data', hqData, ...args]);

/**
 * Digest of every file in HQ's data dir (database, WAL, keys; the spool directory of uploads
 * in progress aside): equal means nothing changed.
 * SQLite's shared-memory index (`-shm`) is left out: readers mark it without changing data.
 */
function hqFiles() {
  const out = {};
  const files = readdirSync(hqData, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  for (const name of files.filter((n) => !n.endsWith('-shm')).sort()) {
    out[name] = createHash('sha256').update(readFileSync(join(hqData, name))).digest('hex');
  }
  return out;
}

let server;
let base;
let browser;

before(async () => {
  hq('init', '--name', '县公安局');
  post('enroll', 'request', '--out', p('req.fqreq'), '--name', '青山警务室');
  hq('enroll', p('req.fqreq'), '--villages', VILLAGE, '--out', p('reply.fqreply'));
  assert.match(post('enroll', 'accept', p('reply.fqreply')), /县公安局/);
  post('call', 'village.create', JSON.stringify({ name: '青山村', code: VILLAGE }));
  const header = JSON.parse(post('--json', 'bundle', 'export', '--out', p('青山警务室.fqsync')));
  assert.equal(header.changes, 2, "the village's name and code");

  ({ server, base } = await serve(hqData, []));
  browser = await chromium.launch({ executablePath: CHROMIUM });
});

after(async () => {
  await browser?.close();
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
});

test("a post's bundle uploaded through the page gives a reply the post imports", async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(base + '/relay');
  // Open to anyone on the network, so it names no post and no resident.
  const text = await page.locator('body').innerText();
  assert.match(text, /转交 U 盘同步包/);
  assert.doesNotMatch(text, /青山/);

  await page.setInputFiles('#bundle', p('青山警务室.fqsync'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#send')]);
  assert.equal(download.suggestedFilename(), 'reply-青山警务室.fqsync');
  const reply = p('reply-青山警务室.fqsync');
  await download.saveAs(reply);
  await page.locator('#result', { hasText: '完成' }).waitFor();
  assert.match(await page.locator('#result').innerText(), /已下载回复包 reply-青山警务室\.fqsync/);

  // The reply is a sealed bundle the post accepts.
  const bytes = readFileSync(reply);
  assert.equal(bytes.subarray(0, 9).toString('latin1'), 'FQSYNC/1\n');
  assert.match(post('bundle', 'import', reply), /第 1 号同步包/);

  // HQ took the post's changes: its reply acknowledged them, so the next bundle has none.
  const next = JSON.parse(post('--json', 'bundle', 'export', '--out', p('next.fqsync')));
  assert.equal(next.changes, 0);
  await page.close();
});

test('random bytes uploaded through the page show the Chinese reason and change nothing at HQ', async () => {
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(base + '/relay');
  const before = hqFiles();
  assert.ok('hq.db' in before, Object.keys(before).join(', '));
  let downloads = 0;
  page.on('download', () => downloads++);

  writeFileSync(p('random.fqsync'), randomBytes(4096));
  await page.setInputFiles('#bundle', p('random.fqsync'));
  await page.click('#send');
  const result = page.locator('#result', { hasText: '被拒绝' });
  await result.waitFor();
  assert.match(await result.innerText(), /这不是枫桥同步包（文件开头不对）/);
  assert.equal(downloads, 0, 'no reply is offered for a refused file');

  assert.deepEqual(hqFiles(), before, "HQ's files are unchanged");
  await page.close();
});
