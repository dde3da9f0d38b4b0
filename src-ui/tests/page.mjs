// The window's page in Debian's Chromium, with a stand-in for the Tauri bridge: the test pushes
// views in (as the desk's `desk-view` event would) and reads which commands the page invoked.

import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const APP = fileURLToPath(new URL('../app/', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Serve src-ui/app on a free loopback port. */
export async function serve() {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(APP, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': `${TYPES[extname(file)] ?? 'application/octet-stream'}; charset=utf-8` });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/**
 * The stand-in bridge: `view` answers `initial`, other commands what `__answers` holds (or
 * null); commands are recorded in `__calls`; `__push(view)` and `__emit(event, payload)` play
 * the core's events.
 */
function fakeTauri({ initial, answers }) {
  window.__answers = answers;
  window.__listeners = {};
  window.__calls = [];
  window.__view = initial;
  window.__failNext = null;
  window.__TAURI__ = {
    core: {
      invoke: async (command, args) => {
        window.__calls.push([command, args ?? null]);
        if (window.__failNext) {
          const error = window.__failNext;
          window.__failNext = null;
          throw error;
        }
        return command === 'view' ? window.__view : (window.__answers[command] ?? null);
      },
    },
    event: {
      listen: async (name, handler) => {
        window.__listeners[name] = handler;
        window.__emit = (event, payload) => window.__listeners[event]?.({ payload });
        window.__push = (view) => window.__emit('desk-view', view);
        return () => {};
      },
    },
  };
}

/** Chromium with a fresh profile of its own (Playwright makes and removes it). */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const site = await serve();
  return {
    /**
     * A page showing `initial` (a DeskView, or null before pairing); `answers` for other
     * commands; with `clock` (ms since the epoch), the page's time starts there and moves only
     * when the test says (`page.clock`).
     * @param {object | null} initial @param {{clock?: number, answers?: object}} [options]
     */
    async open(initial, { clock, answers = {} } = {}) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => { throw e; });
      if (clock !== undefined) await page.clock.install({ time: clock });
      await page.addInitScript(fakeTauri, { initial, answers });
      await page.goto(site.url);
      // The page has asked for everything it starts with.
      await page.waitForFunction(() => window.__push !== undefined && window.__calls.some(([c]) => c === 'pairing_offer'));
      return page;
    },
    async close() {
      await browser.close();
      site.close();
    },
  };
}
