// What the browser tests and the console benchmark share: where the binaries, the built
// console and the browser are; running the CLIs; starting `fengqiao-hq serve` on a free
// port; a phone authenticator's codes (RFC 6238); logging in through the console's page.
//
// Binaries from $FENGQIAO_BIN_DIR, else $CARGO_TARGET_DIR/debug, else target/debug at the
// repository root; the built console from $CONSOLE_DIR, else ui/dist-console
// (`cd ui && npm run build:console`); the browser from $CHROMIUM, else /usr/bin/chromium
// (`apt-get install chromium`).

import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = process.env.FENGQIAO_BIN_DIR
  ?? join(process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target'), 'debug');
export const FENGQIAO = join(BIN, 'fengqiao');
export const FENGQIAO_HQ = join(BIN, 'fengqiao-hq');
export const CONSOLE_DIR = process.env.CONSOLE_DIR ?? join(ROOT, 'ui', 'dist-console');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** The documents' fonts in the source tree (what a package ships). */
export const FONTS = join(ROOT, 'assets', 'fonts');

/** Fails early, naming what is missing. */
export function need(...what) {
  const where = { fengqiao: FENGQIAO, 'fengqiao-hq': FENGQIAO_HQ, console: join(CONSOLE_DIR, 'console.html'), chromium: CHROMIUM };
  for (const w of what) if (!existsSync(where[w])) throw new Error(`${w} not found at ${where[w]}`);
}

/** Runs a binary, fails with its stderr on a non-zero exit, returns stdout. */
export function run(bin, args, env = {}) {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  } catch (e) {
    throw new Error(`${bin} ${args.join(' ')} exited ${e.status}: ${e.stderr}`);
  }
}

/** `fengqiao --db DB …`, and `call METHOD` with JSON in and out. */
export const post = (db, ...args) => run(FENGQIAO, ['--db', db, ...args]);
export const postJson = (db, method, params = {}) => JSON.parse(post(db, '--json', 'call', method, JSON.stringify(params)));

/**
 * `fengqiao-hq serve --data DATA …` on a free loopback port (the binary `bin`, the built one
 * unless given, with `env` added); resolves to the process, its base URL and what it said
 * at start.
 */
export async function serve(data, args, { bin = FENGQIAO_HQ, env = process.env } = {}) {
  const server = spawn(bin, ['--data', data, 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const { base, said } = await new Promise((ok, fail) => {
    let seen = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/https?:\/\/127\.0\.0\.1:\d+/);
      // Once the start-up lines are out (the fonts' is the last).
      if (m && /文书字体|PDF 导出/.test(seen)) ok({ base: m[0], said: seen });
    });
    server.on('exit', (code) => fail(new Error(`fengqiao-hq serve exited ${code}: ${seen}`)));
  });
  return { server, base, said };
}

/** Stops a server started by `serve` (Ctrl-C, as an operator would). */
export async function stop(server) {
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.once('exit', ok));
    server.kill('SIGINT');
    await exited;
  }
}

// ── A phone authenticator: TOTP, HMAC-SHA1, 6 digits, 30-second steps ──
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=-]/g, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Each login's phone: its secret and the last step used (HQ takes a code once, within a step either side). */
export const phones = new Map();

/** The next code a login may use, waiting for a fresh step when the usable ones are spent. */
export async function nextCode(login) {
  const phone = phones.get(login);
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = [now - 1, now, now + 1].find((s) => s > phone.last);
    if (step !== undefined) {
      phone.last = step;
      return totpAt(phone.secret, step);
    }
    await new Promise((ok) => setTimeout(ok, 2000));
  }
}

/** Fills the password step of the console's login and submits it. */
export async function passwordStep(page, who) {
  await page.getByTestId('login-name').fill(who.login);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
}

/**
 * Logs in through the console's page: the password, then the phone's code (enrolling the
 * phone from the page's secret the first time). Resolves once the code is submitted.
 */
export async function login(page, who) {
  await passwordStep(page, who);
  const otp = page.getByTestId('login-otp');
  await otp.waitFor();
  if (await page.getByTestId('otp-enrol').isVisible()) {
    const secret = (await page.getByTestId('otp-secret').innerText()).trim();
    phones.set(who.login, { secret, last: 0 });
  }
  await otp.fill(await nextCode(who.login));
  await page.getByTestId('login-submit').click();
}
