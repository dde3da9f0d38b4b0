// The menu on the customer page, in real Chromium: the search box, the category in view lit up as
// the menu scrolls, and what the menu contract adds to a dish (a photo and its thumbnail, set meal
// contents, 估清) — sold out greyed and not addable, also live on a `menu_update`, with the cart's
// sold-out lines said and the order blocked until they are removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, phone, call, SHOTS } from './harness.mjs';
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

/** A picture as the server would serve it (a data: URL keeps the test free of files). */
const picture = (colour) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120"><rect width="120" height="120" fill="${colour}"/></svg>`)}`;

/**
 * The real menu with the contract's fields filled in (as the menu branch's server fills them):
 * `change(menu)` edits it on each read; returns how many times the page read it.
 */
async function withMenu(page, change) {
  let reads = 0;
  await page.route('**/api/stores/1/menu', async (route) => {
    const response = await route.fetch();
    const menu = await response.json();
    reads += 1;
    change(menu, reads);
    await route.fulfill({ response, json: menu });
  });
  return () => reads;
}
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

test('photos, descriptions, set contents and sold-out dishes, as the menu contract gives them', async () => {
  const page = await phone(browser);
  const [thumb, photo] = [picture('#f59e0b'), picture('#b45309')];
  await withMenu(page, (menu) => {
    Object.assign(dishIn(menu, 1001), { thumbnail: thumb, cuisineImage: photo, description: '花生、鸡丁、干辣椒' });
    dishIn(menu, 1002).soldOut = true;
    dishIn(menu, 2001).setItems = [
      { cuisineId: 1001, cuisineName: '宫保鸡丁', quantity: 1 },
      { cuisineId: 1009, cuisineName: '米饭', quantity: 1 },
      { cuisineId: 1011, cuisineName: '酸梅汤', quantity: 1 },
    ];
  });
  await page.goto(server.links.get('A12'));
  await page.locator('.dish').first().waitFor();
  const kungPao = page.locator('.dish[data-dish="1001"]');
  assert.equal(await kungPao.locator('img').getAttribute('src'), thumb, 'the list shows the thumbnail');
  assert.equal(await kungPao.locator('.desc').innerText(), '花生、鸡丁、干辣椒');
  assert.equal(await page.locator('.dish[data-dish="2001"] .set-items').innerText(), '含：宫保鸡丁×1、米饭×1、酸梅汤×1');

  const gone = page.locator('.dish[data-dish="1002"]');
  assert.match(await gone.getAttribute('class'), /sold-out/);
  assert.equal(await gone.getByRole('button').isDisabled(), true, 'a sold-out dish cannot be added');
  assert.match(await gone.innerText(), /已售罄/);
  await page.screenshot({ path: join(SHOTS, 'customer-menu-photos-sold-out.png') });

  await kungPao.locator('.info').click();
  assert.equal(await page.locator('#dish-photo').getAttribute('src'), photo, 'the sheet shows the full photo');
  await page.locator('#close-dish').click();
  await gone.locator('.info').click();
  assert.equal(await page.locator('#dish-add').isDisabled(), true);
  assert.equal(await text(page, '#dish-add'), '已售罄');
  await page.locator('#close-dish').click();
  await page.locator('.dish[data-dish="2001"] .info').click();
  assert.equal(await text(page, '#dish-set'), '含：宫保鸡丁×1、米饭×1、酸梅汤×1');
  await page.screenshot({ path: join(SHOTS, 'customer-menu-set-sheet.png') });
  await page.context().close();
});

test('a menu_update greys a dish just sold out; the cart says 已售罄 and the order waits for its removal', async () => {
  const page = await phone(browser);
  let soldOut = false;
  const reads = await withMenu(page, (menu) => {
    dishIn(menu, 1001).soldOut = soldOut;
  });
  // The table's stream is held back until the test lets it speak: then it says what the menu
  // branch's server says when a dish sells out, a `menu_update` and the cart with the line flagged.
  let speak;
  const spoken = new Promise((resolve) => (speak = resolve));
  await page.route('**/api/store/order/sse/*', async (route) => {
    const cart = await spoken;
    await route.fulfill({
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      body: `retry: 600000\n\nevent: connected\ndata: 连接成功\n\nevent: menu_update\ndata: {"storeId":1,"menuVersion":2}\n\n`
        + `event: cart_update\nid: ${cart.version}\ndata: ${JSON.stringify(cart)}\n\n`,
    });
  });
  // No silence watchdog while the stream is held back: a reconnect would read the menu again by
  // itself, and the test is that the `menu_update` alone makes the page read it.
  await page.route('**/t/3?*', async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(/data-heartbeat-secs="\d+"/, 'data-heartbeat-secs="600"');
    await route.fulfill({ response, body: html });
  });
  const submits = [];
  page.on('request', (request) => request.url().endsWith('/api/orders') && submits.push(request));
  await page.goto(server.links.get('A03'));
  await page.locator('.dish').first().waitFor();
  await add(page, '宫保鸡丁');
  await add(page, '米饭');
  await until(page, '#cart-count', '2');
  assert.equal(await page.locator('#submit').isEnabled(), true);
  await page.locator('.dish[data-dish="1001"] .info').click();
  assert.equal(await page.locator('#dish-add').isEnabled(), true, 'still addable');

  assert.equal(reads(), 1);
  soldOut = true;
  const cart = (await call(server.base, '/api/store/order/cart/3', { token: new URL(server.links.get('A03')).searchParams.get('token') })).body;
  cart.items.find((i) => i.cuisineId === 1001).soldOut = true;
  speak(cart);
  await page.locator('.dish[data-dish="1001"].sold-out').waitFor();
  assert.equal(reads(), 2, 'the page read the menu again on the menu_update');
  assert.equal(await page.locator('#dish-add').isDisabled(), true, 'the open sheet follows');
  await page.locator('#close-dish').click();
  assert.equal(await page.locator('#submit').isDisabled(), true, 'no order with a sold-out dish in it');
  assert.equal(await text(page, '#submit-blocked'), '「宫保鸡丁」已售罄，请从购物车移除后再下单');
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
  await page.context().close();
});

test('the owner marks a dish sold out and the table sees it greyed at once (the menu branch\'s server)', async (t) => {
  const soldOut = (value) => call(server.base, '/api/stores/1/dishes/1005/sold-out', { method: 'PUT', token: server.merchant, body: { soldOut: value } });
  const page = await open('A02');
  const first = await soldOut(true);
  if (first.body?.code === 'route_not_found') {
    t.skip('this server has no 估清 yet (PUT …/dishes/{id}/sold-out comes with the menu branch)');
    await page.context().close();
    return;
  }
  assert.equal(first.status, 200, JSON.stringify(first.body));
  await page.locator('.dish[data-dish="1005"].sold-out').waitFor();
  assert.equal(await page.locator('.dish[data-dish="1005"]').getByRole('button').isDisabled(), true);
  assert.equal((await soldOut(false)).status, 200);
  await page.locator('.dish[data-dish="1005"]:not(.sold-out)').waitFor();
  await page.context().close();
});
