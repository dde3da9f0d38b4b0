// What the owner's store settings do to the customer page, in real Chromium against the real
// server: the name and announcement, 暂停接单 and 已打烊 said on the page, an order refused
// while paused or closed (the cart kept), and taken again once the store opens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startBrowser, call, SHOTS } from './harness.mjs';
import { text, until, openTable, add } from './customer-page.mjs';

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
/** The owner changes the store's settings, as the desktop app would. */
async function ownerSets(settings) {
  const answer = await call(server.base, '/api/stores/1/settings', { method: 'PATCH', token: server.merchant, body: settings });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}
/** `HH:MM` in China (UTC+8), `minutes` from now. */
function chinaTime(minutes) {
  const local = new Date(Date.now() + (8 * 60 + minutes) * 60_000);
  return `${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
}

test('the store\'s name, logo and announcement show above the menu', async () => {
  await ownerSets({ name: '铃声小馆·旗舰店', announcement: '今日宫保鸡丁 8 折，欢迎品尝' });
  // Any PNG will do for a logo: the app's own icon.
  const icon = readFileSync(new URL('../../desktop/shell/icons/128x128.png', import.meta.url));
  const uploaded = await fetch(`${server.base}/api/stores/1/logo`, {
    method: 'PUT', headers: { authorization: `Bearer ${server.merchant}`, 'content-type': 'image/png' }, body: icon,
  });
  assert.equal(uploaded.status, 200);
  const { logoThumbnail } = await uploaded.json();
  const page = await open('A05');
  assert.equal(await text(page, '#store-name'), '铃声小馆·旗舰店');
  assert.equal(await page.locator('#store-logo').getAttribute('src'), logoThumbnail, 'the small logo in the top bar');
  await page.waitForFunction(() => document.querySelector('#store-logo').naturalWidth > 0);
  assert.equal(await text(page, '#announcement'), '今日宫保鸡丁 8 折，欢迎品尝');
  assert.equal(await page.locator('#store-state').isHidden(), true, 'open: no banner');
  await page.screenshot({ path: join(SHOTS, 'customer-store-announcement.png') });
  await ownerSets({ name: '铃声小馆', announcement: '' });
  assert.equal((await call(server.base, '/api/stores/1/logo', { method: 'DELETE', token: server.merchant })).status, 200);
  await page.reload();
  await page.locator('.dish').first().waitFor();
  assert.equal(await page.locator('#announcement').isHidden(), true, 'no announcement, no line');
  assert.equal(await page.locator('#store-logo').isHidden(), true, 'no logo, the name alone');
  await page.context().close();
});

test('暂停接单: the page says so, refuses the order and keeps the cart until the store resumes', async () => {
  const page = await open('A06');
  await add(page, '鱼香肉丝');
  await until(page, '#cart-count', '1');
  // Paused while the phone still shows the store open: the server refuses, the page learns.
  await ownerSets({ paused: true });
  await page.locator('#submit').click();
  await until(page, '#toast', '商家暂停接单');
  await until(page, '#store-state-title', '暂停接单');
  assert.equal(await page.locator('#submit').isDisabled(), true);
  assert.equal(await text(page, '#submit'), '暂停接单');
  assert.equal(await text(page, '#cart-count'), '1', 'the cart stays');
  await page.screenshot({ path: join(SHOTS, 'customer-store-paused.png') });

  await ownerSets({ paused: false });
  await page.reload();
  await page.locator('.dish').first().waitFor();
  assert.equal(await page.locator('#store-state').isHidden(), true);
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  await page.context().close();
});

test('已打烊 outside the business hours, with the hours; the owner can open by hand', async () => {
  const [openAt, closeAt] = [chinaTime(60), chinaTime(120)];
  await ownerSets({ hours: [{ open: openAt, close: closeAt }] });
  const page = await open('A04');
  await until(page, '#store-state-title', '已打烊');
  assert.match(await text(page, '#store-state-detail'), new RegExp(`营业时间：每天 ${openAt}–${closeAt}`));
  await add(page, '宫保鸡丁');
  await until(page, '#cart-count', '1');
  assert.equal(await page.locator('#submit').isDisabled(), true, 'no order while closed');
  assert.equal(await text(page, '#submit'), '已打烊');
  await page.screenshot({ path: join(SHOTS, 'customer-store-closed.png') });

  const opened = await ownerSets({ manual: 'open' });
  assert.equal(opened.state, 'open');
  await page.reload();
  await page.locator('.dish').first().waitFor();
  assert.equal(await page.locator('#store-state').isHidden(), true, 'open by hand');
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  await ownerSets({ manual: 'auto', hours: [] });
  await page.context().close();
});
