// The window idle with a full board: how much CPU and memory headless Chromium spends on it.
// A benchmark, not a test (timings depend on the machine): `node bench/idle.mjs [--kitchen]
// [--cards 30] [--secs 20]`. It prints the CPU time of all of Chromium's processes over the
// idle window, as % of one core, and their summed PSS. The real app's figures (WebKitGTK under
// Xvfb) come from desktop/shell/tests/idle.rs.

import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { order, view } from '../tests/fixtures.mjs';
import { launch } from '../tests/page.mjs';

const { values } = parseArgs({
  options: {
    kitchen: { type: 'boolean', default: false },
    cards: { type: 'string', default: '30' },
    secs: { type: 'string', default: '20' },
  },
});
const cards = Number(values.cards);
const secs = Number(values.secs);
const TICKS_PER_SEC = 100; // USER_HZ on Linux

/** Every process whose ancestors include `root`, and `root` itself. */
function tree(root) {
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid) => {
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree);
}

/** CPU ticks (user + system) of `pids` so far. */
function ticks(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

/** Summed proportional set size of `pids`, in MB. */
function pssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
}

const chromium = await launch();
const now = Date.now();
const statuses = values.kitchen ? ['paid', 'accepted'] : ['paid', 'accepted', 'ready'];
// Paid at scattered seconds, as real orders are, so no two clocks change together.
const orders = Array.from({ length: cards }, (_, i) =>
  order(i + 1, `A${String(i + 1).padStart(2, '0')}`, statuses[i % statuses.length], i * 0.37, now, { reminderCount: i % 4 === 0 ? 1 : 0 }),
);
const page = await chromium.open(view(now, { role: values.kitchen ? 'kitchen' : 'merchant', orders, unhandled: cards }));
await page.locator('.status').waitFor();
await new Promise((r) => setTimeout(r, 3000)); // let the first paint and the page's start settle

// Playwright starts Chromium as a child of this process.
const pids = tree(process.pid).filter((pid) => pid !== process.pid);
const before = ticks(pids);
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, secs * 1000));
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = ((ticks(pids) - before) / TICKS_PER_SEC / elapsed) * 100;
const pss = pssMb(pids);
console.log(
  `${values.kitchen ? 'kitchen' : 'merchant'} window, ${cards} cards, idle ${elapsed.toFixed(1)} s: ` +
    `CPU ${cpu.toFixed(2)} % of a core, PSS ${pss.toFixed(0)} MB (${pids.length} Chromium processes)`,
);
await page.close();
await chromium.close();
