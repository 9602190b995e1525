// The county console's first screen after login, in Debian's chromium against the real
// `fengqiao-hq serve` over HTTPS on loopback: HQ holds `--posts` posts that have synced
// (made by the bench_posts example), encrypted with a county admin. Each run is a fresh
// browser context (nothing cached) that loads the page, logs in (password, then the
// phone's code) and waits for 总览's table of posts; the time from submitting the code to
// that table on screen is the figure. Prints each run, the median and the slowest.
//
//   node bench-console.mjs [--posts 100] [--runs 5]
//
// Use release builds for figures to record: FENGQIAO_BIN_DIR=target/release (after
// `cargo build --release -p fengqiao -p fengqiao-hq --example bench_posts`) and
// `npm run build:console` in ui/. Results go in BENCHMARKS.md.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { CHROMIUM, CONSOLE_DIR, FENGQIAO_HQ, login, need, run, serve, stop } from './hq.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const posts = arg('--posts', 100);
const runs = arg('--runs', 5);
need('fengqiao-hq', 'console', 'chromium');

const dir = mkdtempSync(join(tmpdir(), 'fq-bench-console-'));
const admin = { login: 'admin', password: 'Xianju2026' };
const env = { FENGQIAO_PASSWORD: admin.password };
let server;
let browser;
try {
  const made = run(join(dirname(FENGQIAO_HQ), 'examples', 'bench_posts'), ['--posts', String(posts), '--households', '20', '--keep', dir]);
  process.stdout.write(made);
  const hqData = made.trim().split('\n').at(-1).replace(/^县局数据目录：/, '');
  const serviceKey = join(dir, 'hq.service-key');
  run(FENGQIAO_HQ, ['--data', hqData, 'init', '--name', '县公安局', '--admin', admin.login, '--service-key', serviceKey], env);
  run(FENGQIAO_HQ, ['--data', hqData, 'tls-cert', '--host', '127.0.0.1']);
  let base;
  ({ server, base } = await serve(hqData, [
    '--tls-cert', join(hqData, 'tls', 'cert.pem'), '--tls-key', join(hqData, 'tls', 'key.pem'),
    '--console-dir', CONSOLE_DIR, '--unlock', 'service-key', '--service-key', serviceKey,
  ]));
  browser = await chromium.launch({ executablePath: CHROMIUM });
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const loadStart = performance.now();
    await page.goto(base + '/');
    await page.getByTestId('login-name').waitFor();
    const loaded = performance.now() - loadStart;
    // The code goes in last; the clock starts when it is submitted.
    const submitted = page.waitForRequest((r) => r.url().endsWith('/api/login') && r.postData()?.includes('"otp":"'));
    const shown = page.getByTestId('overview-posts').locator('tbody tr').first().waitFor();
    await login(page, admin);
    const t0 = await submitted.then(() => performance.now());
    await shown;
    const ms = performance.now() - t0;
    const rows = await page.getByTestId('overview-posts').locator('tbody tr').count();
    // The first run enrols the admin's phone and warms the server; it is not counted.
    console.log(`${i === 0 ? '预热' : `第 ${i} 次`}：登录页 ${loaded.toFixed(0)} ms；提交动态口令到总览显示 ${ms.toFixed(0)} ms（${rows} 行）`);
    if (i > 0) times.push(ms);
    await context.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    `首屏（提交动态口令到总览显示），${posts} 个警务室，${runs} 次：中位数 ${times[Math.floor(times.length / 2)].toFixed(0)} ms，最慢 ${times.at(-1).toFixed(0)} ms`,
  );
} finally {
  await browser?.close();
  await stop(server);
  rmSync(dir, { recursive: true, force: true });
}
