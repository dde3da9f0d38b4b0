// The merchant's board and the kitchen's tickets, with their buttons. In the busy hour the
// board shows what needs a person first, as full cards with every dish and button; what was
// handled follows as compact tiles that flow across the width, so thirty open orders never push
// a new one out of sight. Text from customers (dish names, remarks) goes in as text nodes only,
// through `el`.

import { ageLevel, ageMs, dishesLeft, formatAge, itemsLine, lanes, money, payLabel, replyProblem, roundLabel } from './board.js';
import { el } from './dom.js';

/** @typedef {import('../bindings/BoardOrder').BoardOrder} BoardOrder */
/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/Action').Action} Action */
/** @typedef {(orderId: number, action: Action) => void} Act */
/** @typedef {(dishId: number, name: string) => void} SoldOut 估清 a dish from the board */
/** @typedef {(orderId: number) => void} Reprint 重打 the order's kitchen tickets */

/** 重打: the kitchen ticket again, on this device's printers. @param {number} orderId @param {Reprint} reprint */
function reprintButton(orderId, reprint) {
  return el('button', { class: 'small reprint', title: '再打印一次厨房单', onclick: () => reprint(orderId) }, '重打');
}

const REJECT_REASONS = ['菜品售罄', '店铺打烊', '无法制作'];

/** @param {BoardOrder} entry @param {number} now */
function header(entry, now) {
  const o = entry.order;
  return el(
    'div',
    { class: 'card-head' },
    el('span', { class: 'table' }, `${o.tableNumber}号桌`),
    el('span', { class: 'age', 'data-since': String(o.paidAt ?? o.createdAt) }, formatAge(ageMs(o, now))),
  );
}

/** 「第2轮 加菜」, if a later round. @param {BoardOrder} entry */
function roundTag(entry) {
  const round = roundLabel(entry.order);
  return round ? el('span', { class: 'round' }, round) : null;
}

/** 已支付, or 未付·餐后结账 for a 先吃后付 round. @param {BoardOrder} entry */
function payTag(entry) {
  return el('span', { class: entry.order.paidAt !== null ? 'pay paid' : 'pay later' }, payLabel(entry.order));
}

/**
 * The dishes; a line taken back (退菜) says so: reduced to what is left, or struck through.
 * @param {BoardOrder} entry @param {SoldOut | null} [soldOut] offered on the dishes still to cook
 */
function items(entry, soldOut = null) {
  return el(
    'ul',
    { class: 'items' },
    ...entry.order.items.map((i) => {
      const left = i.quantity - i.returnedQuantity;
      return el(
        'li',
        { class: left === 0 ? 'returned' : '' },
        el('span', { class: 'dish' }, i.cuisineName),
        el('span', { class: 'qty' }, `×${left === 0 ? i.quantity : left}`),
        i.returnedQuantity > 0 ? el('span', { class: 'returned-mark' }, `退菜×${i.returnedQuantity}`) : null,
        soldOut && left > 0 ? el('button', { class: 'small sell-out', title: '这道菜卖完了：顾客页面立即显示售罄', onclick: () => soldOut(i.cuisineId, i.cuisineName) }, '估清') : null,
        i.remark ? el('div', { class: 'remark' }, `备注：${i.remark}`) : null,
      );
    }),
  );
}

/** @param {BoardOrder} entry */
function reminders(entry) {
  const o = entry.order;
  if (o.reminderCount === 0) return null;
  return el(
    'div',
    { class: 'hurry' },
    `催单 ${o.reminderCount} 次`,
    entry.lastReply ? el('span', { class: 'reply' }, `已回复：${entry.lastReply}`) : null,
  );
}

/**
 * Who heard it: 「无人接听」 while the server says nobody has (every device is alarming), then
 * 「已在前台电脑响铃」 with the devices that sounded it.
 * @param {BoardOrder} entry
 */
function heard(entry) {
  if (entry.unheard) return el('div', { class: 'unheard' }, '无人接听');
  if (entry.soundedOn.length === 0) return null;
  return el('div', { class: 'heard' }, `已在${entry.soundedOn.join('、')}响铃`);
}

/**
 * The merchant's answers to a 催单: presets, or up to `max` characters of its own.
 * @param {BoardOrder} entry @param {DeskView} view @param {Act} act
 */
function replyBox(entry, view, act) {
  const id = entry.order.orderId;
  const input = /** @type {HTMLInputElement} */ (el('input', { class: 'reply-text', placeholder: '自定义回复' }));
  const problem = el('div', { class: 'problem' });
  const send = el('button', {
    class: 'small',
    onclick: () => {
      const why = replyProblem(input.value, view.maxReplyChars);
      problem.textContent = why ?? '';
      if (!why) act(id, { action: 'reply', text: input.value.trim() });
    },
  }, '发送');
  input.addEventListener('input', () => {
    const why = replyProblem(input.value, view.maxReplyChars);
    problem.textContent = input.value && why ? why : '';
  });
  const presets = view.replyPresets.map((text) =>
    el('button', { class: 'small preset', onclick: () => act(id, { action: 'reply', text }) }, text),
  );
  return el('div', { class: 'reply-box' }, ...presets, el('div', { class: 'custom' }, input, send), problem);
}

/** @param {BoardOrder} entry @param {Act} act */
function rejectBox(entry, act) {
  const id = entry.order.orderId;
  const input = /** @type {HTMLInputElement} */ (el('input', { class: 'reason', placeholder: '拒单原因' }));
  const box = el(
    'div',
    { class: 'reject-box', hidden: true },
    ...REJECT_REASONS.map((reason) =>
      el('button', { class: 'small', onclick: () => act(id, { action: 'reject', reason }) }, reason),
    ),
    input,
    el('button', {
      class: 'small danger',
      onclick: () => input.value.trim() && act(id, { action: 'reject', reason: input.value.trim() }),
    }, '确认拒单'),
  );
  return box;
}

/** The button that moves a handled order on. @param {BoardOrder} entry @param {Act} act */
function nextStep(entry, act) {
  const id = entry.order.orderId;
  if (entry.order.status === 'accepted') return el('button', { class: 'primary', onclick: () => act(id, { action: 'ready' }) }, '出餐');
  if (entry.order.status === 'ready') return el('button', { class: 'primary', onclick: () => act(id, { action: 'complete' }) }, '完成');
  return null;
}

/**
 * An order that needs a person, in full.
 * @param {BoardOrder} entry @param {DeskView} view @param {number} now @param {Act} act @param {SoldOut} soldOut @param {Reprint} reprint
 */
function orderCard(entry, view, now, act, soldOut, reprint) {
  const o = entry.order;
  const id = o.orderId;
  /** @type {(Node | null)[]} */
  const buttons = [];
  let rejecting = null;
  if (o.status === 'paid' || o.status === 'submitted') {
    rejecting = rejectBox(entry, act);
    const box = rejecting;
    buttons.push(el('button', { class: 'primary', onclick: () => act(id, { action: 'accept' }) }, '接单'));
    buttons.push(el('button', { class: 'danger', onclick: () => (box.hidden = !box.hidden) }, '拒单'));
  } else {
    buttons.push(nextStep(entry, act));
  }
  buttons.push(reprintButton(id, reprint));
  const replies = o.reminderCount > 0 && o.status !== 'ready' ? replyBox(entry, view, act) : null;
  return el(
    'article',
    { class: `card ${o.status}`, 'data-order': String(id) },
    header(entry, now),
    el('div', { class: 'tags' }, roundTag(entry), payTag(entry)),
    el('div', { class: 'meta' }, `${o.orderNo} · 共${dishesLeft(o)}件 · ${money(o.totalAmount)}`),
    items(entry, o.status === 'ready' ? null : soldOut),
    reminders(entry),
    heard(entry),
    el('div', { class: 'actions' }, ...buttons),
    rejecting,
    replies,
  );
}

/**
 * A handled order, compact: table and age, one line of dishes, the money, and the next step.
 * @param {BoardOrder} entry @param {number} now @param {Act} act @param {Reprint} reprint
 */
function orderTile(entry, now, act, reprint) {
  const o = entry.order;
  const line = itemsLine(o);
  const returned = o.items.some((i) => i.returnedQuantity > 0);
  return el(
    'article',
    { class: `tile ${o.status}`, 'data-order': String(o.orderId) },
    header(entry, now),
    el('div', { class: 'tile-items', title: line }, roundTag(entry), returned ? el('span', { class: 'returned-mark' }, '退菜') : null, line),
    el('div', { class: 'meta' }, `${money(o.totalAmount)} `, payTag(entry)),
    el('div', { class: 'actions' }, nextStep(entry, act), reprintButton(o.orderId, reprint)),
  );
}

/**
 * The merchant's board: 「待处理」 first and in full, then 「已接单」 and 「已出餐」 as tiles.
 * @param {DeskView} view @param {number} now @param {Act} act @param {SoldOut} soldOut @param {Reprint} reprint
 */
export function merchantBoard(view, now, act, soldOut, reprint) {
  const lane = lanes(view.orders);
  const handled = (/** @type {string} */ title, /** @type {BoardOrder[]} */ orders, /** @type {string} */ cls) =>
    orders.length === 0
      ? null
      : el('section', { class: `lane ${cls}` }, el('h2', {}, `${title} (${orders.length})`), el('div', { class: 'tiles' }, ...orders.map((o) => orderTile(o, now, act, reprint))));
  return el(
    'main',
    { class: 'board' },
    el(
      'section',
      { class: 'lane needs' },
      el('h2', {}, `待处理 (${lane.needs.length})`),
      lane.needs.length
        ? el('div', { class: 'cards' }, ...lane.needs.map((o) => orderCard(o, view, now, act, soldOut, reprint)))
        : el('p', { class: 'empty' }, '暂无待处理的订单'),
    ),
    handled('已接单', lane.accepted, 'accepted'),
    handled('已出餐', lane.ready, 'ready'),
  );
}

/**
 * A kitchen ticket, coloured by age.
 * @param {BoardOrder} entry @param {DeskView} view @param {number} now @param {Act} act @param {Reprint} reprint
 */
export function ticket(entry, view, now, act, reprint) {
  const o = entry.order;
  const level = ageLevel(o, now, view.settings);
  return el(
    'article',
    { class: `ticket ${level}`, 'data-order': String(o.orderId) },
    header(entry, now),
    el('div', { class: 'meta' }, itemsLine(o)),
    items(entry),
    el(
      'div',
      { class: 'actions' },
      o.status !== 'ready'
        ? el('button', { class: 'primary', onclick: () => act(o.orderId, { action: 'ready' }) }, '出餐')
        : el('div', { class: 'meta' }, '已出餐'),
      reprintButton(o.orderId, reprint),
    ),
  );
}
