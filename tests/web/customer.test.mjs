// The customer's page in real Chromium: the shared cart live between phones, ordering, paying,
// 催单 and the merchant's reply — and customer text shown as text, never run as code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, phone, call, listen, SHOTS } from './harness.mjs';
import { text, until, openTable, add, savedOrder, orderPaid } from './customer-page.mjs';

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

const open = (table) => openTable(browser, server.links.get(table));

test('phones at one table see each other\'s cart at once; another table sees none of it', async () => {
  const alice = await open('A01');
  const bob = await open('A01');
  const stranger = await open('A02');

  await add(alice, '宫保鸡丁', { quantity: 2, remark: '不要花生' });
  await until(bob, '#cart-count', '2');
  await bob.locator('#cart-toggle').click();
  const line = bob.locator('.cart-item', { hasText: '宫保鸡丁' });
  const aliceId = await alice.evaluate(async () => (await (await fetch('/api/session')).json()).dinerId);
  assert.match(await line.innerText(), new RegExp(`${aliceId}号食客加的`), 'Bob sees which diner added it');
  assert.match(await line.innerText(), /不要花生/);

  await line.getByRole('button', { name: '增加' }).click();
  await until(alice, '#cart-count', '3');
  assert.equal(await text(alice, '#cart-total'), '¥114.00');
  await alice.locator('#cart-toggle').click();
  assert.match(await alice.locator('.cart-item').innerText(), /我加的/, 'Alice sees it as hers');
  await alice.screenshot({ path: join(SHOTS, 'customer-cart.png') });

  assert.equal(await text(stranger, '#cart-count'), '0', 'table A02 sees nothing of A01');
  await stranger.locator('#cart-toggle').click();
  assert.equal(await stranger.locator('.cart-item').count(), 0);
  await stranger.screenshot({ path: join(SHOTS, 'customer-menu-other-table.png') });
  await Promise.all([alice, bob, stranger].map((p) => p.context().close()));
});

test('submit, pay at the cashier, and the waiting view flips to 支付成功 — also after a reload', async () => {
  const page = await open('A03');
  await add(page, '红烧肉');
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  assert.equal(await text(page, '#order-total'), '¥48.50');

  await page.locator('#pay').click();
  await page.waitForURL(/\/pay\/\d+/);
  await until(page, '#amount', '¥48.50');
  await page.screenshot({ path: join(SHOTS, 'cashier.png') });
  await page.locator('#confirm').click();
  await page.waitForURL(/\/t\/3/);
  await until(page, '#order-status', '支付成功');
  await page.reload();
  await until(page, '#order-status', '支付成功');
  await page.context().close();
});

test('the page flips the moment the payment arrives, without a reload', async () => {
  const page = await open('A04');
  await add(page, '酸梅汤', { quantity: 2 });
  await until(page, '#cart-count', '2');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  await page.evaluate(() => (window.stillTheSamePage = true));
  const { orderId, token } = await savedOrder(page, 4);
  // The payment completes elsewhere (the provider's callback): the stream tells the page.
  assert.equal((await call(server.base, `/api/orders/${orderId}/pay`, { method: 'POST', token })).status, 202);
  await until(page, '#order-status', '支付成功');
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'no reload happened');
  await page.context().close();
});

test('催单 reaches the merchant, the button waits, and the reply shows on the page', async () => {
  const merchant = await listen(`${server.base}/api/stores/1/events`, server.merchant);
  const page = await open('A05');
  await add(page, '扬州炒饭');
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  const { orderId, token } = await savedOrder(page, 5);
  await call(server.base, `/api/orders/${orderId}/pay`, { method: 'POST', token });
  await until(page, '#order-status', '支付成功');
  assert.equal((await merchant.next('order_paid')).orderId, orderId);

  await page.locator('#hurry').click();
  const reminder = await merchant.next('order_reminder');
  assert.equal(reminder.order.tableNumber, 'A05');
  await until(page, '#hurry', '秒后可再催');
  assert.equal(await page.locator('#hurry').isDisabled(), true, 'the rate limit shows as a countdown');

  const replied = await call(server.base, `/api/orders/${orderId}/reply`, { method: 'POST', token: server.merchant, body: { text: '马上就好' } });
  assert.equal(replied.status, 200);
  await until(page, '#reply', '商家回复：马上就好');
  await page.screenshot({ path: join(SHOTS, 'customer-order.png') });
  merchant.close();
  await page.context().close();
});

test('a remark that looks like HTML is shown as text on the customer page and the kitchen board', async () => {
  const payload = '<img src=x onerror="window.pwned=1">辣';
  const page = await open('A06');
  await add(page, '麻婆豆腐', { remark: payload });
  await until(page, '#cart-count', '1');
  await page.locator('#cart-toggle').click();
  const remark = page.locator('.cart-item .remark');
  assert.equal(await remark.innerText(), `备注：${payload}`, 'the remark reads exactly as typed');
  assert.equal(await remark.locator('img').count(), 0, 'no element was made from it');
  assert.equal(await page.evaluate(() => window.pwned), undefined);

  await page.locator('#close-cart').click();
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  const { orderId, token } = await savedOrder(page, 6);
  await call(server.base, `/api/orders/${orderId}/pay`, { method: 'POST', token });
  await until(page, '#order-status', '支付成功');

  const board = await phone(browser);
  await board.goto(`${server.base}/kitchen?token=${server.kitchen}`);
  await board.locator('#enable-sound').click();
  const ticket = board.locator(`.ticket[data-order="${orderId}"]`);
  await ticket.waitFor();
  assert.match(await ticket.locator('.remark').innerText(), /<img src=x onerror="window.pwned=1">辣/);
  assert.equal(await ticket.locator('img').count(), 0);
  assert.equal(await board.evaluate(() => window.pwned), undefined);
  await page.context().close();
  await board.context().close();
});

test('the 催单 wait survives a reload, and a refused 催单 is explained in Chinese', async () => {
  const page = await open('A07');
  const { orderId, token } = await orderPaid(server.base, page, 7, '夫妻肺片');
  // Hurried already, from another tab: this page does not know yet, and its tap is refused.
  assert.equal((await call(server.base, `/api/orders/${orderId}/reminders`, { method: 'POST', token })).status, 201);
  await page.locator('#hurry').click();
  await until(page, '#toast', '刚催过单');
  assert.doesNotMatch(await text(page, '#toast'), /[A-Za-z]/, 'no English reaches the customer');
  assert.match(await text(page, '#toast'), /请 \d+ 秒后再催/);
  await until(page, '#hurry', '秒后可再催');

  await page.reload();
  await until(page, '#order-status', '支付成功');
  await until(page, '#hurry', '秒后可再催');
  assert.equal(await page.locator('#hurry').isDisabled(), true, 'the countdown is back after the reload');
  await page.context().close();
});

test('refusals reach the customer in Chinese, whatever the server wrote', async () => {
  const page = await open('A08');
  // Through the page's own API client: a dish not in the cart, a malformed quantity, no credential.
  const messages = await page.evaluate(async () => {
    const { api } = await import('/assets/common.js');
    const said = (promise) => promise.then(() => 'accepted', (error) => error.message);
    return [
      await said(api('/api/store/order/cart/remove?tableId=8&cuisineId=1001', { method: 'DELETE' })),
      await said(api('/api/store/order/cart/update?tableId=8&cuisineId=1001&quantity=lots', { method: 'PUT' })),
      await said(api('/api/orders/1', { token: 'forged' })),
    ];
  });
  for (const message of messages) {
    assert.match(message, /[\u4e00-\u9fff]/, `a Chinese message: ${message}`);
    assert.doesNotMatch(message, /[A-Za-z]/, `no English: ${message}`);
  }
  await page.context().close();
});

test('a table address without a valid link shows the page asking to scan the QR code', async () => {
  const page = await phone(browser);
  const otherTable = new URL(server.links.get('A02')).searchParams.get('token');
  for (const [path, status] of [['/t/1', 401], ['/t/1?token=forged', 401], [`/t/1?token=${otherTable}`, 403]]) {
    const response = await page.goto(server.base + path);
    assert.equal(response.status(), status, path);
    assert.match(response.headers()['content-type'], /^text\/html/);
    assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
    assert.match(await text(page, 'body'), /请扫描餐桌上的二维码/);
  }
  await page.screenshot({ path: join(SHOTS, 'customer-scan-prompt.png') });
  // API clients still get the error as JSON.
  const api = await call(server.base, '/t/1');
  assert.equal(api.status, 401);
  assert.equal(api.body.code, 'unauthorized');
  await page.context().close();
});
