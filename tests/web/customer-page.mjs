// What a customer does on the table page, for the customer tests.
import { phone, call } from './harness.mjs';

export const text = (page, selector) => page.locator(selector).innerText();
export const until = (page, selector, expected) =>
  page.waitForFunction(([s, e]) => document.querySelector(s)?.textContent.includes(e), [selector, expected]);

/**
 * A new phone that opened `link` (a table's QR link), with the menu shown and the stream live.
 * With `dinerToken` it is that diner (one who joined through the API, with a phone number, say);
 * `device` is what browser it is (see `phone`).
 */
export async function openTable(browser, link, dinerToken, device) {
  const page = await phone(browser, device);
  if (dinerToken) await page.context().addCookies([{ name: 'ob_token', value: dinerToken, url: new URL(link).origin }]);
  await page.goto(link);
  await page.locator('#conn[data-state="open"]').waitFor();
  await page.locator('.dish').first().waitFor();
  return page;
}

/** Tap a dish, choose how many and a remark, and put it in the cart. */
export async function add(page, dish, { quantity = 1, remark = '' } = {}) {
  await page.locator('.dish', { hasText: dish }).first().getByRole('button').click();
  for (let i = 1; i < quantity; i += 1) await page.locator('#dish-plus').click();
  if (remark) await page.locator('#dish-remark').fill(remark);
  await page.locator('#dish-add').click();
  await page.locator('#dish-sheet').waitFor({ state: 'hidden' });
}

/** The order this page submitted, as its localStorage keeps it. */
export const savedOrder = (page, tableId) =>
  page.evaluate((t) => JSON.parse(localStorage.getItem(`orderbell.order.${t}`)), tableId);

/** Order one `dish` and have it paid (as the provider's callback would): the order, paid. */
export async function orderPaid(base, page, tableId, dish) {
  await add(page, dish);
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  const saved = await savedOrder(page, tableId);
  await call(base, `/api/orders/${saved.orderId}/pay`, { method: 'POST', token: saved.token });
  await until(page, '#order-status', '支付成功');
  return saved;
}

/** The table's id in its QR link. */
export const tableIdOf = (link) => Number(new URL(link).pathname.split('/')[2]);

/** The owner switches the demo store to 先吃后付 (tables joined from now on order that way). */
export async function eatFirst(server) {
  const switched = await call(server.base, '/api/stores/1/settings', { method: 'PATCH', token: server.merchant, body: { orderingMode: 'pay_later' } });
  if (switched.status !== 200 || switched.body.orderingMode !== 'pay_later') throw new Error(`the store did not switch: ${JSON.stringify(switched.body)}`);
}

/** The counter's desktop app, paired by the owner: its credential (it accepts, serves, settles). */
export async function counterApp(server) {
  const issued = await call(server.base, '/api/stores/1/devices', { method: 'POST', token: server.merchant, body: { name: '前台', role: 'counter' } });
  if (issued.status !== 201) throw new Error(`no counter credential: ${JSON.stringify(issued.body)}`);
  return issued.body.credential;
}

/** Press 下单 (先吃后付: no payment step) and wait for the page to show the table's bill. */
export async function submitRound(page) {
  await page.locator('#submit', { hasText: '下单' }).click();
  await page.locator('#bill-view').waitFor();
}

/** The rounds a page's bill shows: round title, status and lines («name × n · who»). */
export const rounds = (page) => page.locator('#bill-rounds .round').evaluateAll((cards) => cards.map((card) => ({
  title: card.querySelector('header strong').textContent,
  status: card.querySelector('.round-status').textContent,
  lines: [...card.querySelectorAll('.bill-line')].map((line) =>
    `${line.querySelector('.name').textContent} · ${line.querySelector('.who').textContent}`),
})));
