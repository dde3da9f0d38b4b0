// Paying online on the customer's page, for an order (先付后吃, table.js) and for a table's bill
// (先吃后付, bill.js) alike: which way to pay, picked from where the page runs and what the server
// can take; creating the charge; and what each way needs — a QR code to scan on a desktop, the
// provider's page on a phone, WeChat's own payment inside WeChat. The payment's outcome always
// arrives on the page's stream (支付成功, or the bill settled), never from here.
import { $, el, money, api } from './common.js';

/** What the customer reads for each channel: which way they are paying (shared/src/charges.rs). */
const LABEL = {
  wechat_native: '微信扫码支付',
  wechat_jsapi: '微信支付',
  wechat_h5: '微信支付',
  alipay_wap: '支付宝',
  alipay_qr: '支付宝扫码支付',
};
/** Under a code to scan: which app scans it. */
const SCAN_WITH = { wechat_native: '请用微信扫码支付', alipay_qr: '请用支付宝扫码' };
/** The channels that work where the page runs, in the order they are offered. */
const FITTING = {
  // WeChat's browser opens neither WeChat's H5 page nor Alipay's: only its own payment works.
  wechat: ['wechat_jsapi'],
  alipay: ['alipay_wap'],
  mobile: ['wechat_h5', 'alipay_wap'],
  desktop: ['wechat_native', 'alipay_qr'],
};

const OPENID_KEY = 'orderbell.openid';
const RESUME_KEY = 'orderbell.pay.resume';

/** Where the page runs, as its browser says. */
function where() {
  const agent = navigator.userAgent;
  if (/MicroMessenger/i.test(agent)) return 'wechat';
  if (/AlipayClient/i.test(agent)) return 'alipay';
  if (navigator.userAgentData?.mobile || /Mobi|Android|iPhone|iPad/i.test(agent)) return 'mobile';
  return 'desktop';
}

// Back from WeChat's OAuth with `#openid=…`: keep it for this visit, out of the address bar.
{
  const openid = new URLSearchParams(location.hash.slice(1)).get('openid');
  if (openid) {
    sessionStorage.setItem(OPENID_KEY, openid);
    history.replaceState(null, '', location.pathname + location.search);
  }
}

let methods = null;
/** The server's channels (`GET /api/pay/methods`), asked once per page. */
async function payMethods() {
  methods ??= await api('/api/pay/methods');
  return methods;
}

/** The channels to offer here: those that fit where the page runs and that the server takes. */
async function fitting() {
  const { channels } = await payMethods();
  return FITTING[where()].filter((channel) => channels.includes(channel));
}

/**
 * Whether paying goes through the built-in simulator's own way (its cashier page, or the bill's
 * one-tap payment) as before real providers: no real channel fits and the simulator is on.
 */
export async function simulatorOnly() {
  const { channels } = await payMethods();
  return (await fitting()).length === 0 && channels.includes('simulator');
}

/**
 * Back from WeChat's OAuth for the payment `key` started (`order:12`, `bill:3`): true once, so
 * the page carries on paying where the customer left off.
 */
export function resumes(key) {
  if (sessionStorage.getItem(RESUME_KEY) !== key || !sessionStorage.getItem(OPENID_KEY)) return false;
  sessionStorage.removeItem(RESUME_KEY);
  return true;
}

const payment = { options: null, channels: [], channel: null };

function phase(name) {
  for (const part of ['choose', 'working', 'qr', 'processing', 'failed']) $(`#charge-${part}`).hidden = part !== name;
  // Another way is offered wherever there is one to go back to.
  $('#charge-other').hidden = payment.channels.length < 2;
}

function showOptions() {
  payment.channel = null;
  $('#charge-how').textContent = '请选择支付方式';
  $('#charge-choose').replaceChildren(...payment.channels.map((channel) =>
    el('button', { class: 'primary wide pay-option', dataset: { channel }, onclick: () => start(channel) }, LABEL[channel])));
  phase('choose');
}

/**
 * Open the payment sheet. `options`: `title` and `hint` of the sheet, the `amount` owed, `key`
 * (to carry on after WeChat's OAuth), `charge(request)` creating the charge at the server,
 * `created(charge)` told of it, and `leaving()` before the browser goes to a provider's page.
 */
export async function choosePayment(options) {
  payment.options = options;
  $('#charge-title').textContent = options.title;
  $('#charge-hint').textContent = options.hint ?? '';
  $('#charge-hint').hidden = !options.hint;
  $('#charge-amount').textContent = money(options.amount);
  $('#charge-sheet').hidden = false;
  try {
    payment.channels = await fitting();
  } catch (error) {
    return failed(error.message, null);
  }
  if (payment.channels.length === 0) {
    return failed('本店暂不支持在这里在线支付，请换用手机浏览器打开本页，或到前台结账', null);
  }
  // Inside WeChat or Alipay there is one way, taken at once.
  if (payment.channels.length === 1) start(payment.channels[0]);
  else showOptions();
}

/** Close the sheet: paid, or the bill changed under it. */
export function closePayment() {
  payment.options = null;
  $('#charge-sheet').hidden = true;
}

/** The payment is with the provider: the stream will say 支付成功. */
function processing() {
  phase('processing');
}

function failed(message, channel) {
  $('#charge-error').textContent = message;
  $('#charge-retry').hidden = !channel;
  phase('failed');
}

async function start(channel) {
  const options = payment.options;
  payment.channel = channel;
  $('#charge-how').textContent = `支付方式：${LABEL[channel]}`;
  const openid = sessionStorage.getItem(OPENID_KEY);
  if (channel === 'wechat_jsapi' && !openid) {
    // WeChat pays only a payer known to the store's official account: ask WeChat who this is,
    // then come back here and carry on.
    sessionStorage.setItem(RESUME_KEY, options.key);
    location.href = `${methods.wechatOauth}?back=${encodeURIComponent(location.pathname)}`;
    return;
  }
  phase('working');
  let charge;
  try {
    charge = await options.charge(channel === 'wechat_jsapi' ? { channel, openid } : { channel });
  } catch (error) {
    // A WeChat identity the server could not use: ask WeChat again next time.
    if (error.code === 'openid_required') sessionStorage.removeItem(OPENID_KEY);
    return failed(error.message, channel);
  }
  if (payment.options !== options) return;
  $('#charge-amount').textContent = money(charge.amount);
  options.created?.(charge);
  if (charge.qrSvg) return showCode(charge);
  if (charge.redirectUrl) {
    options.leaving?.();
    location.href = charge.redirectUrl;
    return;
  }
  if (charge.jsapi) return payInWechat(charge.jsapi, channel);
  failed('支付渠道没有给出付款方式，请换一种方式再试', channel);
}

function showCode(charge) {
  // The server drew the code as SVG: shown as an image, never parsed into the page.
  $('#charge-code').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(charge.qrSvg)}`;
  $('#charge-scan').textContent = SCAN_WITH[charge.channel] ?? '请扫码支付';
  phase('qr');
}

/** WeChat's in-app payment: WeChat shows its own sheet and answers how it went. */
function payInWechat(params, channel) {
  const invoke = () => window.WeixinJSBridge.invoke('getBrandWCPayRequest', params, (result) => {
    const said = result?.err_msg ?? '';
    if (said === 'get_brand_wcpay_request:ok') return processing();
    if (said === 'get_brand_wcpay_request:cancel') return failed('已取消支付，可以再试一次', channel);
    failed('微信支付没有完成，请再试一次或联系服务员', channel);
  });
  if (window.WeixinJSBridge) invoke();
  else document.addEventListener('WeixinJSBridgeReady', invoke, { once: true });
}

$('#charge-close').addEventListener('click', closePayment);
$('#charge-retry').addEventListener('click', () => payment.channel && start(payment.channel));
$('#charge-other').addEventListener('click', showOptions);
