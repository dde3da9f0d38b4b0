// The web tests' harness: the real `orderbell` binary on a port and data dir of its own, Debian's
// Chromium driven by Playwright, and a plain SSE reader for the merchant's side.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const BINARY = process.env.ORDERBELL_BIN || join(here, '../../target/debug/orderbell');
const FAKEPAY = process.env.ORDERBELL_FAKEPAY_BIN || join(here, '../../target/debug/orderbell-fakepay');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** Where screenshots go, for a person to look at. */
export const SHOTS = join(here, 'screenshots');
/** How long any single wait may take before the test is declared hung (not a timing target). */
export const PATIENCE = 15_000;

/** Run the binary on `listen` with `dataDir`; resolves with its links and credentials once printed. */
async function spawnServer(dataDir, listen, extraArgs, env) {
  const child = spawn(BINARY, ['serve', '--listen', listen, '--data-dir', dataDir, '--heartbeat-secs', '2', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn', ...env },
  });
  const links = new Map();
  const credentials = {};
  const lines = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), PATIENCE);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    lines.on('line', (line) => {
      const [name, value] = line.split('\t');
      if (/^A\d+$/.test(name)) links.set(name, value);
      // The demo store's owner does everything the merchant's app does.
      if (name === 'owner') credentials.merchant = value;
      if (name === 'kitchen') credentials[name] = value;
      if (credentials.kitchen) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { child, links, credentials };
}

const stopped = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));

/** Start the server with the demo store, on a port and in a data dir of its own; `env` adds to
 * its environment (a fake provider's `ORDERBELL_*` settings, say). */
export async function startServer(extraArgs = [], env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderbell-web-'));
  let { child, links, credentials } = await spawnServer(dataDir, '127.0.0.1:0', extraArgs, env);
  const base = new URL(links.get('A01')).origin;
  return {
    base,
    links,
    merchant: credentials.merchant,
    kitchen: credentials.kitchen,
    /** Stop the server, as a power cut would (its data stays). */
    async kill() {
      child.kill('SIGTERM');
      await stopped(child);
    },
    /** Freeze the process, as a power cut between it and the phones would look to them: the
     * sockets stay open and nothing arrives. */
    freeze() {
      child.kill('SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
    /** Start it again on the same address and data. */
    async revive() {
      ({ child } = await spawnServer(dataDir, new URL(base).host, extraArgs, env));
    },
    async stop() {
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await stopped(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The fake WeChat Pay and Alipay (`orderbell-fakepay`) on a port of their own, with fresh keys:
 * its `url`, and the `env` (its `orderbell.env`) that points a server at it.
 */
export async function startFakePay() {
  const keys = mkdtempSync(join(tmpdir(), 'orderbell-fakepay-'));
  const child = spawn(FAKEPAY, ['--listen', '127.0.0.1:0', '--keys', keys], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the fake providers did not start')), PATIENCE);
    child.once('exit', (code) => reject(new Error(`the fake providers exited with ${code}`)));
    lines.on('line', (line) => {
      const found = line.match(/ on (http:\/\/\S+)$/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
  });
  // Written before it says where it listens.
  const env = Object.fromEntries(readFileSync(join(keys, 'orderbell.env'), 'utf8').trim().split('\n')
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  return {
    url,
    env,
    async stop() {
      child.kill('SIGTERM');
      await stopped(child);
      rmSync(keys, { recursive: true, force: true });
    },
  };
}

/** Chromium as the machine provides it: headless, no sandbox (root), no background traffic. */
export async function startBrowser() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A phone: its own browser context (cookies, storage), portrait and small; `device` changes
 * that (another browser's user agent, a desktop's screen). */
export async function phone(browser, device = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, locale: 'zh-CN', isMobile: true, hasTouch: true, ...device });
  const page = await context.newPage();
  page.setDefaultTimeout(PATIENCE);
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

/** An HTTP call as an API client. */
export async function call(base, path, { method = 'GET', token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Read an SSE stream: `next(kind)` resolves with the data of the next event of that kind. */
export async function listen(url, token) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
  const events = [];
  const waiters = [];
  (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { kind: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.kind = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
          }
          events.push(event);
          waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return {
    async next(kind) {
      const deadline = Date.now() + PATIENCE;
      for (;;) {
        const index = events.findIndex((e) => e.kind === kind);
        if (index >= 0) return JSON.parse(events.splice(index, 1)[0].data);
        if (Date.now() > deadline) throw new Error(`no ${kind} event arrived`);
        await new Promise((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 250);
        });
      }
    },
    close: () => controller.abort(),
  };
}
