// The customer page knows whether anyone at the restaurant will hear the order: before ordering it
// says when no device of the restaurant is online, and after paying it says when the restaurant
// has not responded (the server escalated the order), also after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, phone, call, SHOTS } from './harness.mjs';
import { until, openTable, add, orderPaid } from './customer-page.mjs';
import { appOnline, appPairedThenAway } from './restaurant.mjs';

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

const AWAY = '商家暂时离线，下单后可能无人接单，请联系服务员';
const UNHEARD = '商家暂未响应，请联系服务员';

test('before ordering, the page says when the restaurant is offline, and checks again every 30 s', async () => {
  const page = await phone(browser);
  // The page's clock, so the next check can be brought forward instead of waited for.
  await page.clock.install();
  await page.goto(server.links.get('A01'));
  await page.locator('#merchant-away', { hasText: AWAY }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'customer-merchant-away.png') });
  await add(page, '宫保鸡丁');
  await until(page, '#cart-count', '1');
  assert.equal(await page.locator('#submit').isEnabled(), true, 'a notice, not a block: ordering still works');

  const app = await appOnline(server);
  await page.clock.fastForward('00:30');
  await page.locator('#merchant-away').waitFor({ state: 'hidden' });

  await app.away();
  await page.clock.fastForward('00:30');
  await page.locator('#merchant-away', { hasText: AWAY }).waitFor();
  await page.context().close();
});

test('after paying, the page says the restaurant has not responded, also after a reload, until it accepts', async () => {
  await appPairedThenAway(server);
  const page = await openTable(browser, server.links.get('A03'));
  const { orderId } = await orderPaid(server.base, page, 3, '红烧肉');
  await page.locator('#unheard', { hasText: UNHEARD }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'customer-unheard.png') });

  // The order's stream replays from its first event: the escalation comes back with it.
  await page.reload();
  await until(page, '#order-status', '支付成功');
  await page.locator('#unheard', { hasText: UNHEARD }).waitFor();

  assert.equal((await call(server.base, `/api/orders/${orderId}/accept`, { method: 'POST', token: server.merchant })).status, 200);
  await until(page, '#order-status', '商家已接单');
  await page.locator('#unheard').waitFor({ state: 'hidden' });
  await page.reload();
  // Events arrive in order: once a new one shows, the replay before it is done.
  assert.equal((await call(server.base, `/api/orders/${orderId}/ready`, { method: 'POST', token: server.merchant })).status, 200);
  await until(page, '#order-status', '已出餐');
  assert.equal(await page.locator('#unheard').isHidden(), true, 'the replay ends with the order accepted');
  await page.context().close();
});

test('the notice goes when a device of the restaurant sounds the order at last, also after a reload', async () => {
  await appPairedThenAway(server);
  const page = await openTable(browser, server.links.get('A04'));
  const { orderId, token } = await orderPaid(server.base, page, 4, '酸梅汤');
  await page.locator('#unheard', { hasText: UNHEARD }).waitFor();

  const receipt = { deviceId: 'counter-app', deviceName: '收银台', orderId, alert: 'order', state: 'sounded' };
  assert.equal((await call(server.base, '/api/stores/1/receipts', { method: 'POST', token: server.merchant, body: receipt })).status, 200);
  await page.locator('#unheard').waitFor({ state: 'hidden' });
  await page.reload();
  // Events arrive in order: once a new one shows, the replay before it is done. (A 催单 answered
  // at once, by an app that is online, is never escalated.)
  const app = await appOnline(server);
  assert.equal((await call(server.base, `/api/orders/${orderId}/reminders`, { method: 'POST', token })).status, 201);
  assert.equal((await call(server.base, `/api/orders/${orderId}/reply`, { method: 'POST', token: server.merchant, body: { text: '马上就好' } })).status, 200);
  await until(page, '#reply', '马上就好');
  assert.equal(await page.locator('#unheard').isHidden(), true, 'the replay ends with the alert settled');
  await app.away();
  await page.context().close();
});
