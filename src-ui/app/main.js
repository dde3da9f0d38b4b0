// The window: the pairing form before pairing, then the board (merchant) or the tickets
// (kitchen), the status bar that is always visible (for the counter also the store's state,
// 营业中 / 已打烊 / 暂停接单, with its one-tap controls), the store panel and the settings. It
// re-draws from each `desk-view` the core publishes. Between views, one shared timer moves the
// age clocks and the kitchen's colours once a minute, touching only what reads differently: an
// idle board costs next to no CPU however full it is.

import * as bridge from './bridge.js';
import { connectionText, formatAge, levelAt, tickets, untilNextMinute } from './board.js';
import { openBooks } from './books.js';
import { businessBar, openBusiness } from './business.js';
import { merchantBoard, ticket } from './cards.js';
import { el, fill } from './dom.js';
import { floorHeard, openFloor } from './floor.js';
import { openSettings } from './settings.js';
import { openStore } from './store.js';
import { openMenu } from './menu.js';
import { refundsHeard } from './refunds.js';
import { openTables } from './tables.js';
import { printerProblems } from './printers.js';

/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/Action').Action} Action */
/** @typedef {import('../bindings/StoreDTO').StoreDTO} StoreDTO */
/** @typedef {import('../bindings/StoreSettingsPatch').StoreSettingsPatch} StoreSettingsPatch */

/** @type {DeskView | null} */
let current = null;
/** Why the last pairing link from outside was not taken: shown on the pairing form. */
/** @type {string | null} */
let linkProblem = null;
/**
 * The store as the server last said, for the counter's top bar; null in the kitchen and until
 * read. Nothing on the store stream says when it changes (another device, the hours turning),
 * so it is read again every minute.
 * @type {StoreDTO | null}
 */
let store = null;
const STORE_EVERY_MS = 60_000;
/** Shows the store in the open 「营业」 view, while it is open. @type {(store: StoreDTO) => void} */
let showInBusiness = () => {};
/** Kitchen tickets brought back after 出餐, shown again until cleared. */

/** @param {string} text @param {boolean} [bad] */
function toast(text, bad = true) {
  fill('toast', el('div', { class: bad ? 'toast bad' : 'toast' }, text));
  setTimeout(() => fill('toast'), 4000);
}

/** @param {number} orderId @param {Action} action */
async function act(orderId, action) {
  try {
    await bridge.act(orderId, action);
    if (action.action === 'reply') toast(`已回复：${action.text}`, false);
  } catch (e) {
    toast(bridge.messageOf(e));
  }
}

/** 重打 from the board: the kitchen tickets again, on this device's printers. @param {number} orderId */
async function reprint(orderId) {
  try {
    const queued = await bridge.reprint(orderId);
    toast(queued > 0 ? `已重打 ${queued} 张厨房单` : '本机没有要打这张单的打印机：请在 设置 → 打印机 里添加', queued === 0);
  } catch (e) {
    toast(bridge.messageOf(e));
  }
}

/** 估清 from the board: the dish is sold out on every customer's page at once. @param {number} dishId @param {string} name */
async function sellOut(dishId, name) {
  try {
    await bridge.setSoldOut(dishId, true);
    toast(`「${name}」已估清，顾客页面显示售罄；在「菜单」里可恢复`, false);
  } catch (e) {
    toast(bridge.messageOf(e));
  }
}

/** Show the store as the server now has it: the top bar, and the 「营业」 view if open. @param {StoreDTO} next */
function showStore(next) {
  showInBusiness(next);
  if (JSON.stringify(next) === JSON.stringify(store)) return;
  store = next;
  render();
}

async function readStore() {
  if (current?.role !== 'merchant') return;
  try {
    showStore(await bridge.store());
  } catch {
    // The connection pill says when the server cannot be reached; the last state stays.
  }
}

/** A one-tap control or the 「营业」 view's save: refused in the server's words. @param {StoreSettingsPatch} patch @param {string} done */
async function changeStore(patch, done) {
  try {
    showStore(await bridge.changeStore(patch));
    toast(done, false);
  } catch (e) {
    toast(bridge.messageOf(e));
  }
}

function business() {
  if (current && store) showInBusiness = openBusiness(store, current.serverUrl, changeStore, toast, showStore);
}

function pairingForm() {
  const server = /** @type {HTMLInputElement} */ (el('input', { id: 'server', placeholder: 'http://192.168.1.20:8080 或配对链接' }));
  const token = /** @type {HTMLInputElement} */ (el('input', { id: 'token', placeholder: '设备凭证 v.…（店主在「店铺」里发放）' }));
  const problem = el('div', { class: 'problem' }, linkProblem ?? '');
  const submit = async () => {
    problem.textContent = '';
    try {
      await bridge.pair(server.value, token.value);
      current = await bridge.view();
      render();
      void readStore();
    } catch (e) {
      problem.textContent = bridge.messageOf(e);
    }
  };
  return el(
    'form',
    { class: 'pairing', onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), submit()) },
    el('h1', {}, '连接到点单铃服务器'),
    el('p', {}, '填写服务器地址和凭证（服务器上运行 orderbell credential --role merchant 获得），或粘贴一条配对链接。'),
    el('label', {}, '服务器地址', server),
    el('label', {}, '凭证', token),
    el('button', { class: 'primary', type: 'submit' }, '连接'),
    problem,
  );
}

/** @param {DeskView} view @param {number} now */
function statusBar(view, now) {
  const c = connectionText(view.connection, now);
  const role = view.role === 'kitchen' ? '后厨' : '商家';
  return el(
    'header',
    { class: 'status' },
    el('span', { class: 'brand' }, `点单铃 · ${role}`),
    el('span', { id: 'conn', class: `pill ${c.level}`, title: view.connection.error ?? '' }, c.text),
    view.role === 'merchant' ? el('span', { class: 'count' }, `未处理 ${view.unhandled}`) : null,
    view.role === 'merchant' && store ? businessBar(store, changeStore, business) : null,
    el('span', { class: 'spacer' }),
    el('button', { class: 'small', onclick: () => bridge.testSound().catch((e) => toast(bridge.messageOf(e))) }, '测试声音'),
    view.role === 'merchant' ? el('button', { class: 'small', onclick: () => openFloor(toast) }, '桌台图') : null,
    view.role === 'merchant' ? refundsButton(view) : null,
    view.role === 'merchant' ? el('button', { class: 'small', onclick: () => openBooks(toast, view.refunds) }, '日结') : null,
    view.role === 'merchant' ? el('button', { class: 'small', onclick: () => openMenu(view.serverUrl, toast) }, '菜单') : null,
    view.role === 'merchant' ? el('button', { class: 'small', onclick: () => openTables(toast) }, '桌台') : null,
    el('button', { class: 'small', onclick: () => openStore(toast) }, '店铺'),
    el('button', { class: 'small', onclick: () => view && openSettings(view, toast) }, '设置'),
  );
}

/**
 * While refunds are not done yet, 「退款」 with their count (red once one failed) opens the books
 * on them; otherwise they are a tab of 日结, and the bar stays as short as it was.
 * @param {DeskView} view
 */
function refundsButton(view) {
  const open = view.refunds.length;
  if (!open) return null;
  const failed = view.refunds.some((r) => r.status === 'failed');
  return el(
    'button',
    { class: 'small', id: 'refunds-button', onclick: () => current && openBooks(toast, current.refunds, true) },
    '退款',
    el('span', { class: failed ? 'badge bad' : 'badge' }, String(open)),
  );
}

async function pairAgain() {
  try {
    await bridge.unpair();
    current = null;
    store = null;
    render();
  } catch (e) {
    toast(bridge.messageOf(e));
  }
}

/** @param {DeskView} view @param {number} now */
function notices(view, now) {
  const c = connectionText(view.connection, now);
  // A refused or revoked credential is fixed only by pairing again: the way there is in the banner.
  const repair = ['refused', 'revoked'].includes(view.connection.state) ? el('button', { class: 'small', onclick: () => pairAgain() }, '重新配对') : null;
  return [
    c.banner ? el('div', { class: 'banner', id: 'lost' }, c.banner, repair) : null,
    view.audio.ok ? null : el('div', { class: 'notice' }, `⚠ ${view.audio.message ?? '声音不可用'}。提醒仍会以通知和本窗口显示。`),
    view.notifications.ok ? null : el('div', { class: 'notice' }, `⚠ ${view.notifications.message ?? '系统通知不可用'}。请留意本窗口。`),
    view.warning ? el('div', { class: 'notice' }, `⚠ ${view.warning}`) : null,
    ...printerProblems(view).map((text) => el('div', { class: 'banner printer' }, `⚠ ${text}`)),
  ];
}

/** @param {DeskView} view @param {number} now */
function board(view, now) {
  if (view.role === 'kitchen') {
    const t = tickets(view.orders);
    const cooking = t.cooking.map((o) => ticket(o, view, now, act, reprint));
    // 召回 takes the ticket back on the server (ready → accepted): every screen sees it return.
    const done = t.done.map((o) =>
      el('button', { class: 'small', onclick: () => act(o.order.orderId, { action: 'recall' }) }, `召回 ${o.order.tableNumber}号桌`),
    );
    return el('main', { class: 'kitchen' }, el('div', { class: 'tickets' }, ...cooking), el('footer', { class: 'done' }, '已出餐：', ...done));
  }
  return merchantBoard(view, now, act, sellOut, reprint);
}

/** Keep what the merchant is typing across re-draws. */
function typed() {
  /** @type {Map<string, string>} */
  const values = new Map();
  for (const input of document.querySelectorAll('#app input')) {
    const card = input.closest('[data-order]');
    if (card) values.set(`${card.getAttribute('data-order')}/${input.className}`, /** @type {HTMLInputElement} */ (input).value);
  }
  return values;
}

/** @param {Map<string, string>} values */
function restore(values) {
  for (const input of document.querySelectorAll('#app input')) {
    const card = input.closest('[data-order]');
    const value = card && values.get(`${card.getAttribute('data-order')}/${input.className}`);
    if (value) /** @type {HTMLInputElement} */ (input).value = value;
  }
}

function render() {
  const now = Date.now();
  if (!current) {
    fill('app', pairingForm());
    return;
  }
  const values = typed();
  const shown = notices(current, now).filter((n) => n !== null);
  fill('app', statusBar(current, now), ...shown, board(current, now));
  restore(values);
  schedule();
  bridge.rendered(current.orders.length, shown.length).catch(() => {});
}

/** The timer of the next minute, while any card shows an age. */
let clockTimer = 0;

/**
 * Wake at the next minute of the clock, when every age moves on together: so each reads at
 * most a minute behind, and WebKit repaints once a minute rather than once per card (a repaint
 * costs it far more than the few characters that changed).
 */
function schedule() {
  clearTimeout(clockTimer);
  if (document.querySelector('.age')) clockTimer = setTimeout(tick, untilNextMinute(Date.now()));
}

/**
 * The age clocks and the kitchen's colours. A text node's data and a class are written only
 * when they change: a write of the same value still costs a style and layout pass.
 */
function tick() {
  if (!current) return;
  const now = Date.now();
  for (const node of document.querySelectorAll('.age')) {
    const age = Math.max(0, now - Number(node.getAttribute('data-since')));
    const text = formatAge(age);
    if (node.firstChild instanceof Text && node.firstChild.data !== text) node.firstChild.data = text;
    const ticket = node.closest('.ticket');
    if (ticket) recolour(ticket, levelAt(age, current.settings));
  }
  schedule();
}

/**
 * Give a ticket the colour of `level`, in one class change, and only if it has another.
 * @param {Element} ticket @param {'' | 'warn' | 'late'} level
 */
function recolour(ticket, level) {
  const was = ['warn', 'late'].find((name) => ticket.classList.contains(name)) ?? '';
  if (was === level) return;
  if (!was) ticket.classList.add(level);
  else if (!level) ticket.classList.remove(was);
  else ticket.classList.replace(was, level);
}

/**
 * A second launch handed over a link to another store: switch only if the merchant says so.
 * @param {import('../bindings/PairingOffer').PairingOffer} offer
 */
function askToSwitch(offer) {
  const role = offer.role === 'kitchen' ? '后厨' : '商家';
  const answer = async (/** @type {boolean} */ yes) => {
    fill('dialog');
    try {
      await bridge.answerOffer(yes);
      if (yes) {
        current = await bridge.view();
        store = null;
        render();
        void readStore();
      }
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog', id: 'offer' },
      el('h2', {}, '切换到新的配对？'),
      el('p', {}, `收到一条新的配对链接：${offer.serverUrl}，门店 ${offer.storeId}，${role}。`),
      el('p', {}, '切换后，将不再收到当前门店的提醒。'),
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', onclick: () => answer(true) }, '切换'),
        el('button', { class: 'small', onclick: () => answer(false) }, '保留'),
      ),
    ),
  );
}

async function start() {
  await bridge.onView((view) => {
    current = view;
    floorHeard(view.floorChanges);
    refundsHeard(view.refunds);
    render();
  });
  await bridge.onOffer(askToSwitch);
  await bridge.onProblem((reason) => {
    linkProblem = reason;
    if (current) toast(reason);
    else render();
  });
  linkProblem = await bridge.pairingProblem();
  current = await bridge.view();
  if (current) floorHeard(current.floorChanges);
  render();
  void readStore();
  setInterval(readStore, STORE_EVERY_MS);
  // Paired already: the board is up, so the refused link's reason comes as a toast.
  if (current && linkProblem) toast(linkProblem);
  const offer = await bridge.pairingOffer();
  if (offer) askToSwitch(offer);
}

start().catch((e) => fill('app', el('p', { class: 'problem' }, `启动失败：${bridge.messageOf(e)}`)));
