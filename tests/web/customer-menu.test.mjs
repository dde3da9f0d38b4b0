// The menu on the customer page, in real Chromium against the real server: the search box, the
// category in view lit up as the menu scrolls, dish photos (thumbnail in the list, the photo in the
// dish's sheet), set meal contents, and 估清 — a dish the counter marks sold out greys on the table's
// phone at once and cannot be added; the cart says so and the order waits for its removal.
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
const visibleDishes = (page) => page.locator('.dish:visible .name').allInnerTexts();
const activeCategory = (page) => page.locator('#categories a.active').innerText();
const litUp = (page, name) =>
  page.waitForFunction((n) => document.querySelector('#categories a.active')?.textContent === n, name);

/** The counter marks a dish sold out, or back in stock (估清), as the desktop app does. */
const markSoldOut = async (dishId, soldOut) => {
  const answer = await call(server.base, `/api/stores/1/dishes/${dishId}/sold-out`, { method: 'PUT', token: server.merchant, body: { soldOut } });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
};
const dishIn = (menu, id) => menu.categories.flatMap((c) => c.dishes).find((d) => d.cuisineId === id);

test('the search box keeps the dishes whose name, description or set contents match', async () => {
  const page = await open('A10');
  await page.locator('#search').fill('鸡');
  assert.deepEqual(await visibleDishes(page), ['宫保鸡丁', '宫保鸡丁套餐 · 套餐']);
  assert.deepEqual(await page.locator('#categories a:visible').allInnerTexts(), ['热菜', '套餐'], 'empty categories go');
  assert.equal(await activeCategory(page), '热菜', 'the first category left is the one in view');
  await page.screenshot({ path: join(SHOTS, 'customer-menu-search.png') });
  await page.locator('#search').fill('米饭');
  assert.deepEqual(await visibleDishes(page), ['米饭', '宫保鸡丁套餐 · 套餐', '双人红烧肉套餐 · 套餐'], 'set meals holding rice');
  await page.locator('#search').fill('火锅');
  assert.equal(await visibleDishes(page).then((d) => d.length), 0);
  assert.equal(await text(page, '#no-match'), '没有找到「火锅」，换个词试试');
  await page.locator('#search').fill('');
  assert.equal((await visibleDishes(page)).length, 14, 'every dish is back');
  assert.equal(await page.locator('#no-match').isHidden(), true);
  await page.context().close();
});

test('the category in view is lit up in the category bar as the menu scrolls', async () => {
  const page = await open('A11');
  assert.equal(await activeCategory(page), '热菜');
  await page.locator('#categories a', { hasText: '凉菜' }).click();
  await litUp(page, '凉菜');
  await page.screenshot({ path: join(SHOTS, 'customer-menu-category.png') });
  // A finger scrolling to the end of the menu.
  for (let i = 0; i < 12; i += 1) await page.mouse.wheel(0, 300);
  await litUp(page, '套餐');
  await page.evaluate(() => window.scrollTo(0, 0));
  await litUp(page, '热菜');
  await page.context().close();
});

test('a dish\'s thumbnail in the list, its photo in the sheet, and what a set meal holds', async () => {
  // Any PNG will do for a photo: the app's own icon.
  const icon = readFileSync(new URL('../../desktop/shell/icons/128x128@2x.png', import.meta.url));
  const uploaded = await fetch(`${server.base}/api/stores/1/dishes/1001/photo`, {
    method: 'PUT', headers: { authorization: `Bearer ${server.merchant}`, 'content-type': 'image/png' }, body: icon,
  });
  assert.equal(uploaded.status, 200);
  const menu = (await call(server.base, '/api/stores/1/menu')).body;
  const [kungPao, setMeal] = [dishIn(menu, 1001), dishIn(menu, 2001)];
  assert.ok(kungPao.thumbnail && kungPao.cuisineImage, 'the server made a thumbnail');
  const holds = `含：${setMeal.setItems.map((i) => `${i.cuisineName}×${i.quantity}`).join('、')}`;
  assert.match(holds, /宫保鸡丁×1/);

  const page = await open('A12');
  const row = page.locator('.dish[data-dish="1001"]');
  assert.equal(await row.locator('img').getAttribute('src'), kungPao.thumbnail, 'the list shows the thumbnail');
  await page.waitForFunction(() => document.querySelector('.dish[data-dish="1001"] img').naturalWidth > 0);
  assert.equal(await page.locator('.dish[data-dish="2001"] .set-items').innerText(), holds);
  assert.equal(await page.locator('.dish[data-dish="2001"] .desc').innerText(), setMeal.description);
  await page.screenshot({ path: join(SHOTS, 'customer-menu-photo.png') });

  await row.locator('.info').click();
  assert.equal(await page.locator('#dish-photo').getAttribute('src'), kungPao.cuisineImage, 'the sheet shows the photo');
  await page.waitForFunction(() => document.querySelector('#dish-photo').naturalWidth > 0);
  await page.locator('#close-dish').click();
  await page.locator('.dish[data-dish="2001"] .info').click();
  assert.equal(await text(page, '#dish-set'), holds);
  await page.screenshot({ path: join(SHOTS, 'customer-menu-set-sheet.png') });
  await page.context().close();
});

test('a dish sold out at the counter greys at once; the cart says 已售罄 and the order waits for its removal', async () => {
  const page = await open('A03');
  const submits = [];
  page.on('request', (request) => request.url().endsWith('/api/orders') && submits.push(request));
  await add(page, '宫保鸡丁');
  await add(page, '米饭');
  await until(page, '#cart-count', '2');
  await page.locator('.dish[data-dish="1001"] .info').click();
  assert.equal(await page.locator('#dish-add').isEnabled(), true, 'still addable');

  await markSoldOut(1001, true);
  // The table's stream says `menu_update`; the page reads the menu again.
  await page.locator('.dish[data-dish="1001"].sold-out').waitFor();
  assert.equal(await page.locator('.dish[data-dish="1001"]').getByRole('button').isDisabled(), true, 'cannot be added');
  assert.equal(await page.locator('#dish-add').isDisabled(), true, 'the open sheet follows');
  assert.equal(await text(page, '#dish-add'), '已售罄');
  await page.locator('#close-dish').click();
  await until(page, '#submit-blocked', '「宫保鸡丁」已售罄，请从购物车移除后再下单');
  assert.equal(await page.locator('#submit').isDisabled(), true, 'no order with a sold-out dish in it');
  await page.screenshot({ path: join(SHOTS, 'customer-menu-sold-out.png') });
  await page.locator('#cart-toggle').click();
  const line = page.locator('.cart-item', { hasText: '宫保鸡丁' });
  assert.match(await line.innerText(), /已售罄/);
  assert.equal(await text(page, '#cart-blocked'), '「宫保鸡丁」已售罄，请从购物车移除后再下单');
  await page.screenshot({ path: join(SHOTS, 'customer-cart-sold-out.png') });

  await line.getByRole('button', { name: '减少' }).click();
  await until(page, '#cart-count', '1');
  assert.equal(await page.locator('#submit').isEnabled(), true, 'without it the order may go');
  assert.equal(await page.locator('#cart-blocked').isHidden(), true);
  assert.equal(submits.length, 0, 'nothing was submitted meanwhile');

  await markSoldOut(1001, false);
  await page.locator('.dish[data-dish="1001"]:not(.sold-out)').waitFor();
  assert.equal(await page.locator('.dish[data-dish="1001"]').getByRole('button').isEnabled(), true, 'back in stock');
  await page.context().close();
});
