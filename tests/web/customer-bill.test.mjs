// 先吃后付 on the customers' phones in real Chromium: two phones at one table share the table's
// bill — each round the moment either phone submits it, who added what, the statuses as the
// counter moves them, the running total, the merchant's answer to a 催单, a round nobody at the
// restaurant heard — and paying it online ends the sitting on both phones, while the next party
// scanning the same code starts a fresh bill.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, call, phone, SHOTS } from './harness.mjs';
import { text, until, openTable, add, tableIdOf, eatFirst, counterApp, submitRound, rounds } from './customer-page.mjs';
import { appPairedThenAway } from './restaurant.mjs';

let server;
let browser;
let counter;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
  await eatFirst(server);
  counter = await counterApp(server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const open = (table) => openTable(browser, server.links.get(table));
const money = (amount) => `¥${Number(amount).toFixed(2)}`;
/** The table's open bill as the counter reads it. */
const billOf = async (tableId) => (await call(server.base, `/api/tables/${tableId}/bill`, { token: counter })).body;
/** What one dish costs on the menu. */
const price = async (dish) => {
  const menu = (await call(server.base, '/api/stores/1/menu', { token: counter })).body;
  return Number(menu.categories.flatMap((c) => c.dishes).find((d) => d.cuisineName === dish).unitPrice);
};
/** A counter action on a round (accept, ready), as the desktop app sends it. */
const counterDoes = async (orderId, action) => {
  const answer = await call(server.base, `/api/orders/${orderId}/${action}`, { method: 'POST', token: counter });
  assert.equal(answer.status, 200, `${action}: ${JSON.stringify(answer.body)}`);
};

test('two phones share one bill: rounds at once, who added what, live statuses, pay online ends it on both', async () => {
  const tableId = tableIdOf(server.links.get('A03'));
  const alice = await open('A03');
  const bob = await open('A03');
  assert.equal(await text(alice, '#submit'), '下单', '先吃后付: no payment step on the button');

  // Round 1: Alice orders; Bob, browsing the menu, hears of it and sees the round.
  await add(alice, '宫保鸡丁', { quantity: 2 });
  await until(bob, '#cart-count', '2');
  await submitRound(alice);
  await until(bob, '#toast', '同桌已下单');
  await bob.locator('#bill-view').waitFor();
  const aliceLabel = (await billOf(tableId)).diners[0].label;
  assert.deepEqual(await rounds(alice), [{ title: '第 1 轮', status: '已下单', lines: ['宫保鸡丁 × 2 · 我加的'] }]);
  assert.deepEqual(await rounds(bob), [{ title: '第 1 轮', status: '已下单', lines: [`宫保鸡丁 × 2 · ${aliceLabel}加的`] }]);

  // Round 2 (加菜): Bob goes back to the menu, adds, submits; Alice hears of it.
  await bob.locator('#add-more').click();
  await add(bob, '柠檬茶');
  await add(bob, '麻婆豆腐');
  await submitRound(bob);
  await until(alice, '#toast', '同桌已下单');
  await until(alice, '#bill-rounds', '第 2 轮');
  const expected = 2 * (await price('宫保鸡丁')) + (await price('柠檬茶')) + (await price('麻婆豆腐'));
  const bill = await billOf(tableId);
  assert.equal(Number(bill.total), expected);
  for (const page of [alice, bob]) {
    await until(page, '#bill-total', money(expected));
    assert.equal(await text(page, '#bill-owed'), money(expected), 'nothing paid yet: all of it is owed');
    assert.deepEqual((await rounds(page)).map((r) => `${r.title} ${r.status}`), ['第 1 轮 已下单', '第 2 轮 已下单']);
  }
  assert.deepEqual((await rounds(bob))[1].lines.sort(), ['柠檬茶 × 1 · 我加的', '麻婆豆腐 × 1 · 我加的']);

  // The counter accepts round 1 and serves it: both phones follow without a reload.
  const [first, second] = bill.rounds.map((r) => r.orderId);
  await counterDoes(first, 'accept');
  await until(alice, '#bill-rounds .round:first-child .round-status', '制作中');
  await until(bob, '#bill-rounds .round:first-child .round-status', '制作中');
  await counterDoes(first, 'ready');
  await counterDoes(second, 'accept');
  for (const page of [alice, bob]) {
    await until(page, '#bill-rounds .round:first-child .round-status', '已出餐');
    await until(page, '#bill-rounds .round:last-child .round-status', '制作中');
  }
  assert.equal(await alice.locator('#bill-rounds .round:first-child .hurry').count(), 0, 'a served round takes no 催单');

  // 催单 on the round still cooking, with the diner's own credential: the button then waits.
  await bob.locator('#bill-rounds .round:last-child .hurry').click();
  await until(bob, '#toast', '已提醒商家');
  assert.equal(await bob.locator('#bill-rounds .round:last-child .hurry').isDisabled(), true);
  await alice.screenshot({ path: join(SHOTS, 'customer-bill-two-rounds.png'), fullPage: true });

  // Alice pays the whole bill online (the simulator): both phones show it settled, no more changes.
  await alice.locator('#checkout').click();
  await until(alice, '#pay-amount', money(expected));
  await alice.screenshot({ path: join(SHOTS, 'customer-bill-pay.png') });
  await alice.locator('#pay-bill').click();
  for (const page of [alice, bob]) {
    await until(page, '#bill-ended-title', '已结账，欢迎再次光临');
    assert.equal(await page.locator('#menu-view').isHidden(), true, 'the menu is gone');
    assert.equal(await page.locator('#cart-bar').isHidden(), true);
    assert.equal(await page.locator('#bill-bar').isHidden(), true, 'no 加菜, no 去结账');
    assert.equal(await page.locator('#bill-rounds .hurry').count(), 0, 'no 催单');
  }
  await until(bob, '#bill-settlement', `已在线支付 ${money(expected)}`);
  await bob.screenshot({ path: join(SHOTS, 'customer-bill-settled.png'), fullPage: true });
  // Nor does the server take anything from the old party's phones.
  const refused = await bob.evaluate(async (t) => {
    const answer = await fetch('/api/store/order/cart/add', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tableId: t, cuisineId: 1, quantity: 1 }) });
    return { status: answer.status, code: (await answer.json()).code };
  }, tableId);
  assert.deepEqual(refused, { status: 401, code: 'bill_closed' });

  // The next party scans the same code: a fresh bill, an empty cart, the menu to order from.
  const next = await open('A03');
  assert.equal(await next.locator('#open-bill').isHidden(), true, 'no rounds of the last party');
  const fresh = await billOf(tableId);
  assert.notEqual(fresh.billId, bill.billId);
  assert.deepEqual(fresh.rounds, []);
  assert.equal(await text(next, '#cart-count'), '0');
  await Promise.all([alice, bob, next].map((p) => p.context().close()));
});

test('the merchant answers a round\'s 催单: both phones at the table read it under that round', async () => {
  const tableId = tableIdOf(server.links.get('A04'));
  const alice = await open('A04');
  const bob = await open('A04');
  await add(alice, '宫保鸡丁');
  await until(alice, '#cart-count', '1');
  await submitRound(alice);
  await until(bob, '#bill-rounds', '第 1 轮');
  const [round] = (await billOf(tableId)).rounds;

  await bob.locator('#bill-rounds .round:first-child .hurry').click();
  await until(bob, '#toast', '已提醒商家');
  const answer = await call(server.base, `/api/orders/${round.orderId}/reply`, { method: 'POST', token: counter, body: { text: '马上就好' } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  for (const page of [alice, bob]) {
    await until(page, '#bill-rounds .round:first-child .reply', '商家回复：马上就好');
  }
  assert.equal(await alice.locator('#bill-unheard').isHidden(), true, 'the restaurant heard it: no red banner');
  await bob.screenshot({ path: join(SHOTS, 'customer-bill-reply.png'), fullPage: true });
  await Promise.all([alice, bob].map((p) => p.context().close()));
});

test('a phone that missed the settling hears 已结账 and 重新扫码点餐 on its next tap', async () => {
  const link = server.links.get('A05');
  const tableId = tableIdOf(link);
  // This phone never hears the table's stream (its connection is cut), as if asleep in a pocket.
  const page = await phone(browser);
  await page.route('**/api/store/order/sse/**', (route) => route.abort());
  await page.goto(link);
  await page.locator('.dish').first().waitFor();
  await add(page, '红烧肉');
  await until(page, '#cart-count', '1');
  await submitRound(page);
  await until(page, '#bill-rounds', '红烧肉');

  const bill = await billOf(tableId);
  const settled = await call(server.base, `/api/bills/${bill.billId}/settle`, {
    method: 'POST', token: counter, body: { method: 'cash', expectedOwed: bill.owed, received: bill.owed },
  });
  assert.equal(settled.status, 200, JSON.stringify(settled.body));

  await page.locator('#add-more').click();
  await add(page, '红烧肉');
  await until(page, '#bill-ended-title', '已结账，欢迎再次光临');
  assert.match(await text(page, '#bill-ended-detail'), /重新扫码点餐/);
  assert.equal(await page.locator('#menu-view').isHidden(), true);
  await page.screenshot({ path: join(SHOTS, 'customer-bill-closed.png') });
  await page.context().close();
});

test('a party moved to another table (换桌) is told where to scan, and finds its bill there', async () => {
  const from = tableIdOf(server.links.get('A06'));
  const to = tableIdOf(server.links.get('A07'));
  const page = await open('A06');
  await add(page, '鱼香肉丝');
  await until(page, '#cart-count', '1');
  await submitRound(page);
  const bill = await billOf(from);
  const moved = await call(server.base, `/api/bills/${bill.billId}/move`, { method: 'POST', token: counter, body: { tableId: to } });
  assert.equal(moved.status, 200, JSON.stringify(moved.body));

  await until(page, '#bill-ended-title', '已换到 A07 桌');
  assert.equal(await text(page, '#bill-ended-detail'), '请扫描 A07 桌上的二维码继续点餐');
  assert.equal(await page.locator('#bill-bar').isHidden(), true, 'nothing more is ordered at A06');
  await page.screenshot({ path: join(SHOTS, 'customer-bill-moved.png') });

  // Scanning A07's code: the same bill, its round there.
  const there = await open('A07');
  await there.locator('#open-bill').click();
  const first = (await billOf(to)).diners[0].label;
  assert.equal((await billOf(to)).billId, bill.billId);
  assert.deepEqual((await rounds(there)).map((r) => r.lines), [[`鱼香肉丝 × 1 · ${first}加的`]]);
  await Promise.all([page, there].map((p) => p.context().close()));
});

// Last: from here on the restaurant's app is paired and away, so every new round goes unheard.
test('a round nobody at the restaurant heard: both phones say so, also after a reload, until the kitchen takes it', async () => {
  const UNHEARD = '商家暂未响应，请联系服务员';
  await appPairedThenAway(server);
  const tableId = tableIdOf(server.links.get('A08'));
  const alice = await open('A08');
  const bob = await open('A08');
  await add(alice, '红烧肉');
  await until(alice, '#cart-count', '1');
  await submitRound(alice);
  for (const page of [alice, bob]) await page.locator('#bill-unheard', { hasText: UNHEARD }).waitFor();
  await alice.locator('#toast').waitFor({ state: 'hidden' });
  await alice.screenshot({ path: join(SHOTS, 'customer-bill-unheard.png') });

  // The bill itself says it: a phone that reloads shows it again.
  await bob.reload();
  await bob.locator('#bill-unheard', { hasText: UNHEARD }).waitFor();

  const [round] = (await billOf(tableId)).rounds;
  await counterDoes(round.orderId, 'accept');
  for (const page of [alice, bob]) await page.locator('#bill-unheard').waitFor({ state: 'hidden' });
  assert.equal(await text(alice, '#bill-rounds .round:first-child .round-status'), '制作中');
  await Promise.all([alice, bob].map((p) => p.context().close()));
});
