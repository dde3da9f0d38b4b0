// An order as a card (merchant) or a ticket (kitchen), with its buttons. Text from customers
// (dish names, remarks) goes in as text nodes only, through `el`.

import { ageLevel, ageMs, formatAge, itemsLine, money, replyProblem } from './board.js';
import { el } from './dom.js';

/** @typedef {import('../bindings/BoardOrder').BoardOrder} BoardOrder */
/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/Action').Action} Action */
/** @typedef {(orderId: number, action: Action) => void} Act */
/** @typedef {(dishId: number, name: string) => void} SoldOut 估清 a dish from the board */

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

/** @param {BoardOrder} entry @param {SoldOut | null} [soldOut] offered on the dishes still to cook */
function items(entry, soldOut = null) {
  return el(
    'ul',
    { class: 'items' },
    ...entry.order.items.map((i) =>
      el(
        'li',
        {},
        el('span', { class: 'dish' }, i.cuisineName),
        el('span', { class: 'qty' }, `×${i.quantity}`),
        soldOut ? el('button', { class: 'small sell-out', title: '这道菜卖完了：顾客页面立即显示售罄', onclick: () => soldOut(i.cuisineId, i.cuisineName) }, '估清') : null,
        i.remark ? el('div', { class: 'remark' }, `备注：${i.remark}`) : null,
      ),
    ),
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

/**
 * A merchant's card.
 * @param {BoardOrder} entry @param {DeskView} view @param {number} now @param {Act} act @param {SoldOut} soldOut
 */
export function orderCard(entry, view, now, act, soldOut) {
  const o = entry.order;
  const id = o.orderId;
  /** @type {(Node | null)[]} */
  const buttons = [];
  let rejecting = null;
  if (o.status === 'paid') {
    rejecting = rejectBox(entry, act);
    const box = rejecting;
    buttons.push(el('button', { class: 'primary', onclick: () => act(id, { action: 'accept' }) }, '接单'));
    buttons.push(el('button', { class: 'danger', onclick: () => (box.hidden = !box.hidden) }, '拒单'));
  } else if (o.status === 'accepted') {
    buttons.push(el('button', { class: 'primary', onclick: () => act(id, { action: 'ready' }) }, '出餐'));
  } else if (o.status === 'ready') {
    buttons.push(el('button', { class: 'primary', onclick: () => act(id, { action: 'complete' }) }, '完成'));
  }
  const replies = o.reminderCount > 0 && o.status !== 'ready' ? replyBox(entry, view, act) : null;
  return el(
    'article',
    { class: `card ${o.status}`, 'data-order': String(id) },
    header(entry, now),
    el('div', { class: 'meta' }, `${o.orderNo} · 共${o.totalQuantity}件 · ${money(o.totalAmount)}`),
    items(entry, o.status === 'ready' ? null : soldOut),
    reminders(entry),
    heard(entry),
    el('div', { class: 'actions' }, ...buttons),
    rejecting,
    replies,
  );
}

/**
 * A kitchen ticket, coloured by age.
 * @param {BoardOrder} entry @param {DeskView} view @param {number} now @param {Act} act
 */
export function ticket(entry, view, now, act) {
  const o = entry.order;
  const level = ageLevel(o, now, view.settings);
  return el(
    'article',
    { class: `ticket ${level}`, 'data-order': String(o.orderId) },
    header(entry, now),
    el('div', { class: 'meta' }, itemsLine(o)),
    items(entry),
    o.status !== 'ready'
      ? el('button', { class: 'primary', onclick: () => act(o.orderId, { action: 'ready' }) }, '出餐')
      : el('div', { class: 'meta' }, '已出餐'),
  );
}
