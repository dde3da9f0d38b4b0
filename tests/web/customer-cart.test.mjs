// The dish sheet and the shared cart in real Chromium: the quantity stops at its limits and says
// so, a remark is counted as the server counts it and refused (never cut) when too long, and every
// line says which diner at the table added it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

const open = (table, dinerToken) => openTable(browser, server.links.get(table), dinerToken);
const pick = (page, dish) => page.locator('.dish', { hasText: dish }).first().getByRole('button').click();

test('the quantity buttons stop at 1 and at 99 and say why', async () => {
  const page = await open('A07');
  await pick(page, '柠檬茶');
  assert.equal(await page.locator('#dish-minus').isDisabled(), true, '− cannot go below one');
  for (let i = 1; i < 99; i += 1) await page.locator('#dish-plus').click();
  assert.equal(await text(page, '#dish-qty'), '99');
  assert.equal(await page.locator('#dish-plus').isDisabled(), true, '+ stops at the limit');
  assert.match(await text(page, '#dish-limit'), /最多 99 份/);
  await page.screenshot({ path: join(SHOTS, 'customer-dish-limit.png') });
  await page.locator('#dish-add').click();
  await until(page, '#cart-count', '99');
  await page.locator('#cart-toggle').click();
  const line = page.locator('.cart-item', { hasText: '柠檬茶' });
  assert.equal(await line.getByRole('button', { name: '增加' }).isDisabled(), true, 'the cart line stops at 99 too');
  await page.context().close();
});

test('a remark is counted in characters, refused when over 100, and never cut', async () => {
  const page = await open('A08');
  await pick(page, '鱼香肉丝');
  const tooLong = `${'不要辣'.repeat(33)}多葱`;
  await page.locator('#dish-remark').fill(tooLong);
  assert.equal(await text(page, '#remark-count'), '101/100');
  assert.match(await text(page, '#remark-error'), /备注最多 100 个字，请删掉 1 个字/);
  assert.equal(await page.locator('#dish-add').isDisabled(), true, 'an over-long remark is not sent');
  assert.equal(await page.locator('#dish-remark').inputValue(), tooLong, 'nothing was cut');
  await page.screenshot({ path: join(SHOTS, 'customer-remark-too-long.png') });

  // 100 characters that are two UTF-16 units each: the server takes them, and so does the page.
  const peppers = '🌶'.repeat(100);
  await page.locator('#dish-remark').fill(peppers);
  assert.equal(await text(page, '#remark-count'), '100/100');
  assert.equal(await page.locator('#remark-error').isHidden(), true);
  await page.locator('#dish-add').click();
  await until(page, '#cart-count', '1');
  await page.locator('#cart-toggle').click();
  assert.equal(await text(page, '.cart-item .remark'), `备注：${peppers}`);
  await page.context().close();
});

test('each diner at a table has a label the others can tell apart', async () => {
  const tableToken = new URL(server.links.get('A09')).searchParams.get('token');
  const joinWith = async (phoneNumber) =>
    (await call(server.base, '/api/tables/9/diners', { method: 'POST', token: tableToken, body: { phone: phoneNumber } })).body;
  // Two diners whose phones end alike, and two who gave no number.
  const [bob, carol] = [await joinWith('13800138000'), await joinWith('13900008000')];
  const alice = await open('A09');
  const pages = [alice, await open('A09', bob.token), await open('A09', carol.token), await open('A09')];
  const dishes = ['宫保鸡丁', '鱼香肉丝', '麻婆豆腐', '红烧肉'];
  for (const [i, page] of pages.entries()) {
    await add(page, dishes[i]);
    await until(alice, '#cart-count', String(i + 1));
  }
  const daveId = await pages[3].evaluate(async () => (await (await fetch('/api/session')).json()).dinerId);
  await alice.locator('#cart-toggle').click();
  const label = async (dish) => (await alice.locator('.cart-item', { hasText: dish }).locator('.who').innerText()).split(' · ')[0];
  const labels = [await label('宫保鸡丁'), await label('鱼香肉丝'), await label('麻婆豆腐'), await label('红烧肉')];
  assert.deepEqual(labels, ['我加的', `尾号8000（${bob.dinerId}号）加的`, `尾号8000（${carol.dinerId}号）加的`, `${daveId}号食客加的`]);
  await alice.screenshot({ path: join(SHOTS, 'customer-cart-diners.png') });
  await Promise.all(pages.map((p) => p.context().close()));
});
