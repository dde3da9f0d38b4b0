// Paying for real in Chromium: the server creates each payment at the fake WeChat Pay and Alipay
// (orderbell-fakepay, signed and verified as the real ones), the page picks the way from where it
// runs, and the payer's side (scanning the code, the provider's page, WeChat's own sheet) pays
// at the fake, whose signed notification turns the page to 支付成功.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { devices } from 'playwright-core';
import jsQR from 'jsqr';
import { startServer, startFakePay, startBrowser, call, SHOTS } from './harness.mjs';
import { text, until, openTable, add, savedOrder, tableIdOf, eatFirst, submitRound } from './customer-page.mjs';

let fake;
let server;
let browser;
before(async () => {
  fake = await startFakePay();
  server = await startServer([], fake.env);
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };
const MOBILE = devices['Pixel 7'];
const WECHAT = { ...MOBILE, userAgent: `${MOBILE.userAgent} MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN` };

/** At the fake, as the payer's phone does: scan and pay an open trade. */
async function payAtFake(provider, tradeNo) {
  const paid = await fetch(`${fake.url}/_fake/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ provider, tradeNo }) });
  assert.equal(paid.status, 200, await paid.text());
}

/** What the server asked the fake for `operation` (the trade's creation, a refund …). */
async function asked(operation) {
  const requests = await (await fetch(`${fake.url}/_fake/requests`)).json();
  return requests.filter((r) => r.operation === operation);
}

/** Open `table` in `device`, order `dish`, and press 去支付: the order as the page saved it. */
async function orderAndPay(table, dish, device) {
  const page = await openTable(browser, server.links.get(table), undefined, device);
  await add(page, dish);
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  await page.locator('#pay').click();
  await page.locator('#charge-sheet').waitFor();
  return { page, saved: await savedOrder(page, tableIdOf(server.links.get(table))) };
}

/** The options the payment sheet offers, as the customer reads them. */
const options = (page) => page.locator('#charge-choose .pay-option').allInnerTexts();

/** The code on the page, decoded from its pixels as a phone's camera would. */
async function scanCode(page) {
  const size = 400;
  const image = await page.locator('#charge-code').evaluate(async (img, side) => {
    await img.decode();
    const margin = side / 10;
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, side, side);
    context.imageSmoothingEnabled = false;
    context.drawImage(img, margin, margin, side - 2 * margin, side - 2 * margin);
    const pixels = context.getImageData(0, 0, side, side).data;
    let binary = '';
    for (const byte of pixels) binary += String.fromCharCode(byte);
    return btoa(binary);
  }, size);
  const code = jsQR(new Uint8ClampedArray(Buffer.from(image, 'base64')), size, size);
  assert.ok(code, 'the page shows a QR code a phone can read');
  return code.data;
}

test('a desktop browser shows the WeChat code; scanning it pays; rejected, the page shows 已退款', async () => {
  const { page, saved } = await orderAndPay('A01', '红烧肉', DESKTOP);
  assert.deepEqual(await options(page), ['微信扫码支付', '支付宝扫码支付'], 'a desktop offers codes to scan');
  assert.equal(await text(page, '#charge-amount'), '¥48.50');
  await page.screenshot({ path: join(SHOTS, 'pay-chooser-desktop.png') });

  await page.locator('.pay-option', { hasText: '微信扫码支付' }).click();
  await page.locator('#charge-qr').waitFor();
  assert.equal(await text(page, '#charge-how'), '支付方式：微信扫码支付');
  assert.equal(await text(page, '#charge-scan'), '请用微信扫码支付');
  assert.equal(await text(page, '#charge-amount'), '¥48.50');
  await page.screenshot({ path: join(SHOTS, 'pay-wechat-qr.png') });
  const scanned = await scanCode(page);
  assert.match(scanned, /^weixin:\/\/wxpay\/bizpayurl\?pr=/, 'the code is the one WeChat Pay answered');
  const { orderNo } = await call(server.base, `/api/orders/${saved.orderId}`, { token: saved.token }).then((r) => r.body);
  const created = (await asked('native')).find((r) => r.params.out_trade_no === orderNo);
  assert.equal(created?.params.amount.total, 4850, 'WeChat was asked for ¥48.50 in fen');

  await payAtFake('wechat', orderNo);
  await until(page, '#order-status', '支付成功');
  assert.equal(await page.locator('#charge-sheet').isHidden(), true, 'the sheet goes once paid');

  // The merchant rejects the paid order: the money goes back through WeChat, and the page says so.
  const rejected = await call(server.base, `/api/orders/${saved.orderId}/reject`, { method: 'POST', token: server.merchant, body: { reason: '食材用完了' } });
  assert.equal(rejected.status, 200);
  await until(page, '#order-status', '商家已拒单');
  await until(page, '#order-refunds', '已退款 ¥48.50');
  const refund = (await asked('refund')).find((r) => r.params.reason === '食材用完了');
  assert.equal(refund?.params.amount.refund, 4850, 'the whole payment, in fen');
  await page.screenshot({ path: join(SHOTS, 'pay-refunded.png') });
  // And after a reload, from the order's refunds.
  await page.reload();
  await until(page, '#order-refunds', '已退款 ¥48.50');
  await page.context().close();
});

test('a mobile browser pays on WeChat\'s H5 page and comes back to 支付处理中, then 支付成功', async () => {
  const { page, saved } = await orderAndPay('A02', '酸梅汤', MOBILE);
  assert.deepEqual(await options(page), ['微信支付', '支付宝'], 'a phone offers the apps');
  await page.screenshot({ path: join(SHOTS, 'pay-chooser-mobile.png') });
  // The notification comes late: the page back from WeChat says it is waiting meanwhile.
  await fetch(`${fake.url}/_fake/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notify: 'delay', delayMs: 3000 }) });
  try {
    await page.locator('.pay-option', { hasText: '微信支付' }).click();
    await page.waitForURL(`${fake.url}/**`);
    await page.getByRole('button', { name: '确认支付' }).click();
    await page.waitForURL(`${server.base}/t/2`);
    await until(page, '#waiting', '支付处理中');
    await until(page, '#order-status', '支付成功');
  } finally {
    await fetch(`${fake.url}/_fake/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notify: 'deliver' }) });
  }
  assert.equal(await page.locator('#waiting').isHidden(), true);
  const h5 = (await asked('h5')).find((r) => r.params.out_trade_no.startsWith('OB'));
  assert.ok(h5, 'WeChat Pay was asked for an H5 payment');
  assert.ok((await call(server.base, `/api/orders/${saved.orderId}`, { token: saved.token })).body.status === 'paid');
  await page.context().close();
});

test('Alipay\'s cashier pays and goes back to the table page: 支付成功', async () => {
  const { page } = await orderAndPay('A03', '宫保鸡丁', MOBILE);
  await page.locator('.pay-option', { hasText: '支付宝' }).click();
  await page.waitForURL(`${fake.url}/gateway.do?**`);
  assert.match(await page.locator('.amount').innerText(), /38\.00/, 'Alipay shows the order\'s amount');
  await page.getByRole('button', { name: '确认支付' }).click();
  await page.waitForURL(new RegExp(`^${server.base}/t/3\\?`));
  await until(page, '#order-status', '支付成功');
  await page.context().close();
});

test('inside WeChat the page asks WeChat who pays, then pays in WeChat\'s own sheet', async () => {
  const page = await openTable(browser, server.links.get('A04'), undefined, WECHAT);
  // What WeChat's client does with `getBrandWCPayRequest`: hands the parameters to WeChat Pay
  // (the fake checks their paySign) and answers the page.
  await page.context().exposeBinding('wechatClientPays', async (_, params) => {
    const answer = await fetch(`${fake.url}/_fake/wechat/jsapi`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return answer.json();
  });
  await page.context().addInitScript(() => {
    window.WeixinJSBridge = {
      invoke(name, params, callback) {
        if (name === 'getBrandWCPayRequest') window.wechatClientPays(params).then(callback);
      },
    };
  });
  await add(page, '扬州炒饭');
  await until(page, '#cart-count', '1');
  await page.locator('#submit').click();
  await until(page, '#order-status', '待支付');
  await page.locator('#pay').click();
  // Away to WeChat's OAuth and back, then straight on to WeChat's sheet.
  await page.waitForURL(`${server.base}/t/4`);
  await until(page, '#order-status', '支付成功');
  const jsapi = await asked('jsapi');
  assert.ok(jsapi.some((r) => r.params.payer?.openid), 'WeChat Pay was asked for a JSAPI payment by the payer\'s openid');
  await page.context().close();
});

test('a 先吃后付 bill is paid whole through Alipay from a phone: the table is settled', async () => {
  await eatFirst(server);
  const page = await openTable(browser, server.links.get('A05'), undefined, MOBILE);
  await add(page, '红烧肉');
  await until(page, '#cart-count', '1');
  await submitRound(page);
  await page.locator('#checkout').click();
  await page.locator('#charge-sheet').waitFor();
  assert.equal(await text(page, '#charge-title'), '结账：整桌一起付');
  assert.equal(await text(page, '#charge-amount'), '¥48.50');
  await page.locator('.pay-option', { hasText: '支付宝' }).click();
  await page.waitForURL(`${fake.url}/gateway.do?**`);
  await page.getByRole('button', { name: '确认支付' }).click();
  await page.waitForURL(new RegExp(`^${server.base}/t/5\\?`));
  await until(page, '#bill-ended-title', '已结账');
  await until(page, '#bill-settlement', '已在线支付 ¥48.50');
  const wap = (await asked('alipay.trade.wap.pay')).find((r) => r.params.biz_content?.out_trade_no?.startsWith('BL'));
  assert.equal(wap?.params.biz_content.total_amount, '48.50', 'Alipay was asked for the bill in yuan');
  await page.context().close();
});
