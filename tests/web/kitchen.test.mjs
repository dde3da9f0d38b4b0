// The kitchen board in real Chromium: a paid order appears without a reload, ages, is marked ready
// (once the merchant accepted it), can be recalled, and leaves when completed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, call, SHOTS, PATIENCE } from './harness.mjs';
import { paidOrder } from './restaurant.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a new paid order appears without a reload; ready, recall and complete move it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const board = await context.newPage();
  board.setDefaultTimeout(PATIENCE);
  await board.goto(`${server.base}/kitchen?token=${server.kitchen}`);
  assert.doesNotMatch(board.url(), /token=/, 'the credential is taken out of the address bar');
  await board.locator('#enable-sound').click();
  await board.locator('#conn[data-state="open"]').waitFor();
  await board.locator('#empty').waitFor();

  const { orderId: first } = await paidOrder(server, 'A07', [[1001, 2, '少辣'], [1009, 2]]);
  const { orderId: second } = await paidOrder(server, 'A08', [[2002, 1]]);
  const ticket = (id) => board.locator(`.ticket[data-order="${id}"]`);
  await ticket(first).waitFor();
  await ticket(second).waitFor();
  const tables = await board.locator('.ticket .table').allInnerTexts();
  assert.deepEqual(tables, ['A07', 'A08'], 'oldest first');
  assert.match(await ticket(first).innerText(), /待接单/);
  assert.match(await ticket(first).innerText(), /2×宫保鸡丁/);

  // The merchant accepts (elsewhere); the board shows it can be cooked now.
  assert.equal((await call(server.base, `/api/orders/${first}/accept`, { method: 'POST', token: server.merchant })).status, 200);
  await ticket(first).getByRole('button', { name: '出餐' }).click();
  await ticket(first).getByRole('button', { name: '撤回' }).waitFor();
  assert.match(await ticket(first).getAttribute('class'), /ready/);
  await board.screenshot({ path: join(SHOTS, 'kitchen-board.png') });

  await ticket(first).getByRole('button', { name: '撤回' }).click();
  await ticket(first).getByRole('button', { name: '出餐' }).waitFor();
  await ticket(first).getByRole('button', { name: '出餐' }).click();
  await ticket(first).getByRole('button', { name: '撤回' }).waitFor();
  assert.equal((await call(server.base, `/api/orders/${first}/complete`, { method: 'POST', token: server.merchant })).status, 200);
  await ticket(first).waitFor({ state: 'detached' });
  assert.equal(await ticket(second).count(), 1, 'the other ticket stays');
  await context.close();
});

test('tickets age from yellow to red', async () => {
  // Thresholds in minutes come from the address; fractions make the colours turn within the test.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const board = await context.newPage();
  board.setDefaultTimeout(PATIENCE);
  const { orderId } = await paidOrder(server, 'A09', [[1003, 1]]);
  await board.goto(`${server.base}/kitchen?token=${server.kitchen}&warn=0.02&late=0.04`);
  await board.locator('#enable-sound').click();
  const ticket = board.locator(`.ticket[data-order="${orderId}"]`);
  await board.locator(`.ticket.warn[data-order="${orderId}"], .ticket.late[data-order="${orderId}"]`).waitFor();
  await board.locator(`.ticket.late[data-order="${orderId}"]`).waitFor();
  assert.match(await ticket.getAttribute('class'), /late/);
  await context.close();
});
