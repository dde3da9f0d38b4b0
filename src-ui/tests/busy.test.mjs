// The busy hour at the counter, in Chromium at 1280×800: thirty open orders, twelve of them not
// yet accepted. Every order that needs a person is on screen without scrolling, handled ones
// follow as tiles, and the idle window still changes nothing between minutes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, round, store, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const now = Date.UTC(2026, 10, 22, 12, 0, 0);

/** 12 waiting (先吃后付 rounds, some 加菜, and paid orders), 11 accepted, 7 ready: 30 in all. */
function busyHour() {
  const waiting = Array.from({ length: 12 }, (_, i) => {
    const id = i + 1;
    const table = `A${String(id).padStart(2, '0')}`;
    return i % 3 === 2 ? order(id, table, 'paid', i, now) : round(id, table, 'submitted', i, now, 100 + id, 1 + (i % 2));
  });
  waiting[4].order.items[0].remark = '少辣';
  const accepted = Array.from({ length: 11 }, (_, i) => {
    const entry = round(20 + i, `B${i + 1}`, 'accepted', 12 + i, now, 200 + i, 1);
    if (i % 4 === 0) Object.assign(entry, { lastReply: '马上就好' });
    if (i % 4 === 0) entry.order.reminderCount = 1;
    return entry;
  });
  const ready = Array.from({ length: 7 }, (_, i) => order(40 + i, `C${i + 1}`, 'ready', 25 + i, now));
  return [...ready, ...accepted, ...waiting];
}

test('with 30 open orders, the 12 not yet accepted are all in sight without scrolling', async () => {
  const orders = busyHour();
  // The counter's top bar in full: the store's state and its one-tap controls.
  const page = await chromium.open(view(now, { orders, unhandled: 12 }), { clock: now, answers: { store: store({ orderingMode: 'pay_later' }) } });
  await page.locator('[data-order]').nth(29).waitFor();
  await page.locator('#store-state').waitFor();
  assert.equal(await page.locator('.lane.needs h2').textContent(), '待处理 (12)');
  const needs = page.locator('.lane.needs [data-order]');
  assert.equal(await needs.count(), 12);
  assert.equal(await page.locator('.lane.needs').getByRole('button', { name: '接单' }).count(), 12, 'each with its 接单 at hand');
  const boxes = await needs.evaluateAll((cards) => cards.map((c) => {
    const r = c.getBoundingClientRect();
    return { id: c.getAttribute('data-order'), top: r.top, bottom: r.bottom, left: r.left, right: r.right };
  }));
  console.log(`the lowest card waiting ends at ${Math.max(...boxes.map((b) => b.bottom))} px of 800`);
  for (const box of boxes) {
    assert.ok(box.top >= 0 && box.bottom <= 800 && box.left >= 0 && box.right <= 1280, `order ${box.id} is on screen: ${JSON.stringify(box)}`);
  }
  assert.equal(await page.evaluate(() => window.scrollY), 0);
  // The handled ones are tiles beside each other, not a column to scroll through.
  assert.equal(await page.locator('.lane.accepted .tile').count(), 11);
  assert.equal(await page.locator('.lane.ready .tile').count(), 7);
  const tops = await page.locator('.lane.accepted .tile').evaluateAll((tiles) => new Set(tiles.map((t) => Math.round(t.getBoundingClientRect().top))).size);
  assert.ok(tops <= 3, `11 accepted orders fill the width in a few rows, not 11: ${tops}`);
  await page.screenshot({ path: process.env.ORDERBELL_BUSY_SHOT ?? '/tmp/orderbell-busy.png' });
  await page.screenshot({ path: process.env.ORDERBELL_BUSY_FULL_SHOT ?? '/tmp/orderbell-busy-full.png', fullPage: true });

  // Idle: one timer a minute for the whole board, and between minutes nothing changes.
  await page.evaluate(() => {
    window.__timers = 0;
    const later = window.setTimeout;
    // @ts-ignore counting the page's timers
    window.setTimeout = (...args) => { window.__timers += 1; return later(...args); };
    const every = window.setInterval;
    // @ts-ignore
    window.setInterval = (...args) => { window.__timers += 1; return every(...args); };
    window.__changes = 0;
    new MutationObserver((records) => { window.__changes += records.length; })
      .observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await page.clock.runFor(49_000);
  assert.equal(await page.evaluate(() => window.__changes), 0, 'nothing is redrawn between minutes');
  await page.clock.runFor(3 * 60_000);
  assert.ok(await page.evaluate(() => window.__timers) <= 3, 'three minutes, at most one timer each, whatever the number of cards');
  await page.close();
});

test('a round shows 第2轮 加菜 and 未付·餐后结账; 退菜 is marked and a returned dish struck', async () => {
  const second = round(5, 'A05', 'submitted', 1, now, 9, 2);
  second.order.items[0].returnedQuantity = 1;
  second.order.items[1].returnedQuantity = 2;
  const served = round(6, 'A06', 'accepted', 3, now, 10, 1);
  served.order.items[1].returnedQuantity = 1;
  const page = await chromium.open(view(now, { orders: [second, served], unhandled: 1 }));
  const card = page.locator('.card[data-order="5"]');
  await card.getByText('第2轮 加菜').waitFor();
  assert.equal(await card.locator('.pay').textContent(), '未付·餐后结账');
  assert.deepEqual(await card.locator('.returned-mark').allTextContents(), ['退菜×1', '退菜×2']);
  assert.equal(await card.locator('li').nth(0).locator('.qty').textContent(), '×1', 'reduced to what is left');
  assert.match(await card.locator('li').nth(1).getAttribute('class'), /returned/, 'all taken back: struck');
  assert.equal(await card.locator('li').nth(1).getByRole('button', { name: '估清' }).count(), 0);
  assert.equal(await card.getByText('共1件').count(), 1, 'the count is what is left to serve');
  const tile = page.locator('.tile[data-order="6"]');
  assert.equal(await tile.locator('.tile-items').textContent(), '退菜宫保鸡丁×2、米饭×1');
  assert.equal(await page.getByText('已支付').count(), 0, 'nothing of a 先吃后付 round says paid');
  await tile.getByRole('button', { name: '出餐' }).click();
  const acts = await page.evaluate(() => window.__calls.filter(([c]) => c === 'act').map(([, a]) => a));
  assert.deepEqual(acts, [{ orderId: 6, action: { action: 'ready' } }], 'a tile moves its order on in one tap');
  await page.close();
});
