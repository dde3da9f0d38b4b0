// The kitchen board as one of the store's alert devices: the server sees it online, and when an
// alert goes unheard the board shows a red banner and sounds an alarm again and again until the
// order is handled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, call, listen, SHOTS, PATIENCE } from './harness.mjs';
import { paidOrder, devices, eventually, appPairedThenAway } from './restaurant.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
  // The shortest wait the owner may choose before an alert counts as unheard.
  const settings = { escalateAfterSecs: 5, unheardAction: 'none', unheardActionAfterSecs: 600 };
  assert.equal((await call(server.base, '/api/stores/1/alert-settings', { method: 'PUT', token: server.merchant, body: settings })).status, 200);
  await appPairedThenAway(server);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The board on a tablet of its own, sound allowed by a tap, its stream open. */
async function openBoard(context) {
  const board = await (context || await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })).newPage();
  board.setDefaultTimeout(PATIENCE);
  await board.goto(`${server.base}/kitchen?token=${server.kitchen}`);
  await board.locator('#enable-sound').click();
  await board.locator('#conn[data-state="open"]').waitFor();
  return board;
}

/** The next `alert_escalated` on the store stream that matches `wanted`. */
async function escalation(stream, wanted) {
  for (;;) {
    const alert = await stream.next('alert_escalated');
    if (Object.entries(wanted).every(([key, value]) => alert[key] === value)) return alert;
  }
}

/** The banner says `text` and the alarm has sounded more than once: it repeats. */
async function alarming(board, text) {
  await board.locator('#alarm', { hasText: text }).waitFor();
  assert.equal(await board.locator('#alarm').getAttribute('data-ringing'), 'true');
  await board.waitForFunction(() => Number(document.querySelector('#alarm').dataset.rings) >= 2);
}

async function quiet(board) {
  await board.locator('#alarm').waitFor({ state: 'hidden' });
  assert.equal(await board.locator('#alarm').getAttribute('data-ringing'), 'false', 'the alarm stopped');
}

test('the board is one kitchen device, online while open, the same one after a reload', async () => {
  const board = await openBoard();
  const kitchen = () => devices(server).then((all) => all.filter((d) => d.kind === 'kitchen'));
  const [device] = await kitchen();
  assert.equal(device.name, '厨房', 'named by its credential');
  assert.equal(device.online, true);

  await board.reload();
  await board.locator('#conn[data-state="open"]').waitFor();
  assert.deepEqual((await kitchen()).map((d) => d.deviceId), [device.deviceId], 'one id, kept across reloads');

  await board.context().close();
  await eventually('the board is offline', async () => (await kitchen()).every((d) => !d.online));
});

test('an order that went unheard while no device was on: the board alarms on opening, until it is accepted', async () => {
  const store = await listen(`${server.base}/api/stores/1/events`, server.merchant);
  const { orderId } = await paidOrder(server, 'A03', [[1001, 1]]);
  assert.equal((await escalation(store, { orderId })).reason, 'no_device_online');
  store.close();

  const board = await openBoard();
  await alarming(board, 'A03号桌的订单无人接听，请尽快处理');
  await board.screenshot({ path: join(SHOTS, 'kitchen-alarm.png') });
  assert.equal((await call(server.base, `/api/orders/${orderId}/accept`, { method: 'POST', token: server.merchant })).status, 200);
  await quiet(board);
  await board.context().close();
});

test('an order nobody hears while the board is open: the alarm starts live and stops when accepted', async () => {
  const board = await openBoard();
  const { orderId } = await paidOrder(server, 'A04', [[1001, 1]]);
  await board.locator(`.ticket[data-order="${orderId}"]`).waitFor();
  await alarming(board, 'A04号桌的订单无人接听，请尽快处理');
  assert.equal((await call(server.base, `/api/orders/${orderId}/accept`, { method: 'POST', token: server.merchant })).status, 200);
  await quiet(board);
  await board.context().close();
});

test('a 催单 nobody answered: the board alarms until the merchant replies', async () => {
  const store = await listen(`${server.base}/api/stores/1/events`, server.merchant);
  const { orderId, token } = await paidOrder(server, 'A05', [[1001, 1]]);
  // The payment lands a moment after it is made; only a paid order can be accepted.
  assert.equal((await store.next('order_paid')).orderId, orderId);
  assert.equal((await call(server.base, `/api/orders/${orderId}/accept`, { method: 'POST', token: server.merchant })).status, 200);
  assert.equal((await call(server.base, `/api/orders/${orderId}/reminders`, { method: 'POST', token })).status, 201);
  await escalation(store, { orderId, alert: 'reminder' });
  store.close();

  const board = await openBoard();
  await alarming(board, 'A05号桌催单无人回应');
  assert.doesNotMatch(await board.locator('#alarm').innerText(), /订单无人接听/, 'the accepted order no longer alarms');
  const replied = await call(server.base, `/api/orders/${orderId}/reply`, { method: 'POST', token: server.merchant, body: { text: '马上就好' } });
  assert.equal(replied.status, 200);
  await quiet(board);
  await board.context().close();
});
