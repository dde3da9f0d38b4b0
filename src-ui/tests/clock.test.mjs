// The window idle with a full board, in Chromium with the page's clock in the test's hands: the
// age clocks change together once a minute, and nothing else on the page moves. Every change the page
// makes is recorded (a MutationObserver), since each costs the window a style, layout and paint.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const CARDS = 30;

/** Open `initial` with the page's time at `now`, stopped 10 s later, and record every change. */
async function idle(initial) {
  const page = await chromium.open(initial, { clock: now });
  await page.locator('[data-order]').nth(CARDS - 1).waitFor();
  await page.clock.pauseAt(now + 10_000);
  await page.evaluate(() => {
    window.__changes = [];
    new MutationObserver((records) => {
      for (const r of records) {
        const node = r.target instanceof Element ? r.target : r.target.parentElement;
        window.__changes.push({ type: r.type, node: node?.className, order: node?.closest('[data-order]')?.getAttribute('data-order') });
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  return page;
}

/** The changes recorded since the last call, once the page's timers for `ms` have run. */
async function changesOver(page, ms) {
  await page.clock.runFor(ms);
  return page.evaluate(() => window.__changes.splice(0));
}

test('idle, 30 kitchen tickets change nothing until a minute turns, then only ages and colours', async () => {
  // Paid 0 to 9 whole minutes before `now`: every age turns at now + 60 s.
  const orders = Array.from({ length: CARDS }, (_, i) => order(i + 1, `A${i + 1}`, i % 2 ? 'paid' : 'accepted', i % 10, now));
  const page = await idle(view(now, { role: 'kitchen', orders }));
  assert.deepEqual(await changesOver(page, 49_000), [], 'nothing is redrawn between minutes');

  const turned = await changesOver(page, 2_000);
  const ages = turned.filter((c) => c.type === 'characterData' && c.node === 'age');
  assert.equal(ages.length, CARDS, 'each age text changed once, in place');
  // 4 → 5 minutes turns yellow, 7 → 8 turns red; nothing else changes its look.
  const recoloured = turned.filter((c) => c.type === 'attributes').map((c) => Number(c.order)).sort((a, b) => a - b);
  assert.deepEqual(recoloured, [5, 8, 15, 18, 25, 28]);
  assert.equal(turned.length, ages.length + recoloured.length, `no other change: ${JSON.stringify(turned)}`);
  assert.equal(await page.locator('.ticket[data-order="5"] .age').textContent(), '5 分钟');
  assert.match(await page.locator('.ticket[data-order="5"]').getAttribute('class'), /warn/);
  assert.match(await page.locator('.ticket[data-order="8"]').getAttribute('class'), /late/);
  await page.close();
});

test('idle, 30 merchant cards paid at scattered seconds change together, once a minute', async () => {
  const statuses = ['paid', 'accepted', 'ready'];
  const orders = Array.from({ length: CARDS }, (_, i) => order(i + 1, `A${i + 1}`, statuses[i % 3], i * 0.37, now, { reminderCount: i % 4 ? 0 : 1 }));
  const page = await idle(view(now, { orders, unhandled: 10 }));
  // Each card's own minute turns at a different second; the page waits for the clock's.
  assert.deepEqual(await changesOver(page, 49_000), [], 'one repaint a minute, not one per card');
  const minute = await changesOver(page, 2_000);
  assert.ok(minute.every((c) => c.type === 'characterData' && c.node === 'age'), `only age texts change: ${JSON.stringify(minute)}`);
  assert.equal(minute.length, CARDS, 'every card moved on by its minute');
  assert.equal(new Set(minute.map((c) => c.order)).size, CARDS);
  assert.equal(await page.locator('[data-order="4"] .age').textContent(), '2 分钟', 'paid 1:06.6 before, a minute later');
  await page.close();
});
