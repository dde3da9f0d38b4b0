// 桌台图, for the counter (owner and counter devices): every table by area with its state in
// colour and in words (空闲 / 点餐中 / 用餐中 / 待结账), how long the party has sat and what it
// owes. The map is read when it opens, again when the store stream brings an event that changes
// it (the desk counts them: `floorChanges`) and every 15 s while it shows. One timer moves the
// 「已坐 N 分钟」 lines once a minute, touching only the text that changed.
// A table's bill opens beside the map: its rounds and lines (who added what, returns struck),
// the totals and how it was settled, and the buttons to the forms over it (billforms.js): 结账,
// 清台, 换桌, 并台 and 退菜 per line.

import * as bridge from './bridge.js';
import { money, untilNextMinute } from './board.js';
import { BILL_STATES, TABLE_STATES, closeForm, returnForm, settleForm, settlementText, tableForm, toFen } from './billforms.js';
import { el, fill } from './dom.js';

/** @typedef {import('../bindings/FloorDTO').FloorDTO} FloorDTO */
/** @typedef {import('../bindings/FloorTable').FloorTable} FloorTable */
/** @typedef {import('../bindings/BillDTO').BillDTO} BillDTO */
/** @typedef {import('../bindings/OrderDTO').OrderDTO} OrderDTO */
/** @typedef {import('../bindings/OrderItemDTO').OrderItemDTO} OrderItemDTO */
/** @typedef {(text: string, bad?: boolean) => void} Toast */

/** A round as the kitchen has it. */
const ROUND_STATES = {
  pending_payment: '待支付',
  submitted: '已下单',
  paid: '已下单',
  accepted: '制作中',
  ready: '已出餐',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '已拒单',
};
const REFRESH_MS = 15_000;
const MINUTE = 60_000;

/** 「已坐 42 分钟」: whole minutes, so the line changes once a minute. @param {number} ms */
function seatedText(ms) {
  const total = Math.floor(Math.max(0, ms) / MINUTE);
  if (total < 1) return '刚入座';
  if (total < 60) return `已坐 ${total} 分钟`;
  return `已坐 ${Math.floor(total / 60)} 小时 ${total % 60} 分`;
}

/** 「BL00000012」, as the customer's page and the CSV name a bill. @param {number} billId */
function billNo(billId) {
  return `BL${String(billId).padStart(8, '0')}`;
}

/** 「14:03」, this machine's time. @param {number} ms */
function hhmm(ms) {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * The open view: what it shows and the timers that keep it fresh.
 * @typedef {{toast: Toast, floor: FloorDTO | null, billId: number | null, tableId: number | null, bill: BillDTO | null, poll: number, minute: number}} Shown
 */
/** Null while closed. @type {Shown | null} */
let shown = null;
/** The desk's count of map-changing events last seen, open or not. @type {number | null} */
let heard = null;

/** Still on screen (another view may have taken the dialog's place). */
function isOpen() {
  if (shown && document.querySelector('.dialog.floor')) return true;
  stop();
  return false;
}

function stop() {
  if (!shown) return;
  clearInterval(shown.poll);
  clearTimeout(shown.minute);
  shown = null;
}

/** A form over the bill (settle, close, move…) is open: the panel under it is not redrawn. */
function sheetOpen() {
  return (document.getElementById('floor-sheet')?.childElementCount ?? 0) > 0;
}

/**
 * The desk published a view: if store events changed the map since the last one, read it again.
 * @param {number} changes the view's `floorChanges`
 */
export function floorHeard(changes) {
  const moved = heard !== null && changes !== heard;
  heard = changes;
  if (moved && isOpen()) void refresh();
}

/** @param {Toast} toast */
export async function openFloor(toast) {
  stop();
  const close = () => {
    stop();
    fill('dialog');
  };
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog floor' },
      el(
        'div',
        { class: 'floor-head' },
        el('h2', {}, '桌台图'),
        el('span', { id: 'floor-mode', class: 'meta' }),
        el('span', { class: 'legend' }, ...Object.entries(TABLE_STATES).map(([state, label]) => el('span', { class: `key ${state}` }, label))),
        el('span', { class: 'spacer' }),
        el('button', { class: 'small', onclick: close }, '关闭'),
      ),
      el('p', { id: 'floor-problem', class: 'problem' }),
      el('div', { class: 'floor-body' }, el('div', { id: 'floor-map' }, el('p', { class: 'empty' }, '正在载入…')), el('aside', { id: 'floor-bill' })),
      el('div', { id: 'floor-sheet' }),
    ),
  );
  shown = { toast, floor: null, billId: null, tableId: null, bill: null, poll: 0, minute: 0 };
  shown.poll = setInterval(() => void (isOpen() && refresh()), REFRESH_MS);
  scheduleMinute();
  await refresh();
}

/** Read the map (and the bill shown, unless a form is open over it) and draw what changed. */
async function refresh() {
  const s = shown;
  if (!s) return;
  try {
    const floor = await bridge.floor();
    if (shown !== s) return;
    fill('floor-problem');
    if (JSON.stringify(floor) !== JSON.stringify(s.floor)) {
      s.floor = floor;
      drawMap(s);
    }
  } catch (e) {
    // The map stays as last read; the line says why it is not fresh.
    const problem = document.getElementById('floor-problem');
    if (problem) problem.textContent = `桌台图未能刷新：${bridge.messageOf(e)}`;
    return;
  }
  // A table chosen while free: once a party sits down there, its bill shows.
  const table = s.floor?.tables.find((t) => t.tableId === s.tableId);
  if (s.billId === null && table?.billId != null) s.billId = table.billId;
  if (s.billId !== null && !sheetOpen()) await loadBill(s, s.billId);
}

/** @param {Shown} s @param {number} billId */
async function loadBill(s, billId) {
  try {
    const bill = await bridge.bill(billId);
    if (shown !== s || s.billId !== billId) return;
    if (JSON.stringify(bill) === JSON.stringify(s.bill)) return;
    s.bill = bill;
    s.tableId = bill.tableId;
    drawBill(s);
  } catch (e) {
    s.toast(bridge.messageOf(e));
  }
}

function scheduleMinute() {
  if (!shown) return;
  clearTimeout(shown.minute);
  shown.minute = setTimeout(tickSeated, untilNextMinute(Date.now()));
}

/** Move every 「已坐」 line on, writing only the text nodes whose words changed. */
function tickSeated() {
  if (!isOpen()) return;
  const now = Date.now();
  for (const node of document.querySelectorAll('#floor-map .seated')) {
    const text = seatedText(now - Number(node.getAttribute('data-since')));
    if (node.firstChild instanceof Text && node.firstChild.data !== text) node.firstChild.data = text;
  }
  scheduleMinute();
}

/** @param {Shown} s */
function drawMap(s) {
  const floor = /** @type {FloorDTO} */ (s.floor);
  const mode = document.getElementById('floor-mode');
  if (mode) mode.textContent = floor.mode === 'pay_later' ? '先吃后付' : '先付后吃';
  /** @type {Map<string, FloorTable[]>} */
  const areas = new Map();
  for (const t of floor.tables) areas.set(t.area, [...(areas.get(t.area) ?? []), t]);
  const now = Date.now();
  const counts = Object.keys(TABLE_STATES).map((state) => {
    const n = floor.tables.filter((t) => t.state === state).length;
    return n ? `${TABLE_STATES[/** @type {keyof TABLE_STATES} */ (state)]} ${n}` : null;
  });
  fill(
    'floor-map',
    el('p', { class: 'meta counts' }, `共 ${floor.tables.length} 桌：${counts.filter(Boolean).join(' · ')}`),
    ...[...areas].map(([area, tables]) =>
      el('section', { class: 'area' }, el('h3', {}, `${area}（${tables.length} 桌）`), el('div', { class: 'tiles' }, ...tables.map((t) => tile(s, t, now)))),
    ),
    floor.tables.length ? null : el('p', { class: 'empty' }, '还没有桌台：店主在「桌台」里添加'),
  );
}

/** @param {Shown} s @param {FloorTable} t @param {number} now */
function tile(s, t, now) {
  const chosen = t.tableId === s.tableId ? ' chosen' : '';
  let detail = null;
  if (t.rounds) detail = t.unserved ? `${t.rounds} 轮 · ${t.unserved} 轮未上齐` : `${t.rounds} 轮 · 已上齐`;
  else if (t.cartQuantity) detail = `购物车 ${t.cartQuantity} 份`;
  return el(
    'button',
    { class: `tile ${t.state}${chosen}`, 'data-table': t.tableId, onclick: () => choose(s, t) },
    el('span', { class: 'number' }, t.number),
    el('span', { class: 'state' }, TABLE_STATES[t.state]),
    t.seatedAt === null ? null : el('span', { class: 'seated', 'data-since': t.seatedAt }, seatedText(now - t.seatedAt)),
    t.owed > 0 ? el('span', { class: 'owed' }, `待付 ${money(t.owed)}`) : null,
    detail ? el('span', { class: 'detail' }, detail) : null,
  );
}

/** @param {Shown} s @param {FloorTable} t */
function choose(s, t) {
  s.tableId = t.tableId;
  s.billId = t.billId;
  s.bill = null;
  fill('floor-sheet');
  markChosen(t.tableId);
  if (t.billId === null) {
    fill('floor-bill', el('h3', {}, `${t.number} · 空闲`), el('p', { class: 'empty' }, '没有客人：顾客扫码入座后，这里显示账单。'));
    return;
  }
  fill('floor-bill', el('p', { class: 'empty' }, '正在载入账单…'));
  void loadBill(s, t.billId);
}

/** Outline the tile whose bill is shown. @param {number | null} tableId */
function markChosen(tableId) {
  for (const node of document.querySelectorAll('#floor-map .tile')) node.classList.toggle('chosen', node.getAttribute('data-table') === String(tableId));
}

/** Who added a line: the diner's label on the bill. @param {BillDTO} bill @param {number | null} dinerId */
function who(bill, dinerId) {
  if (dinerId === null) return '';
  return bill.diners.find((d) => d.dinerId === dinerId)?.label ?? '';
}

/** 退菜 is for what the kitchen has not cooked yet. @param {OrderDTO} o */
function returnable(o) {
  return ['submitted', 'paid', 'accepted'].includes(o.status);
}

/** @param {Shown} s */
function drawBill(s) {
  const b = /** @type {BillDTO} */ (s.bill);
  const open = b.status === 'open';
  const state = b.status === 'merged' && b.nextTableNumber ? `已并入 ${b.nextTableNumber}` : BILL_STATES[b.status];
  const moved = b.status !== 'open' && b.status !== 'merged' && b.nextTableNumber ? `（已换到 ${b.nextTableNumber}）` : '';
  fill(
    'floor-bill',
    el('div', { class: 'bill-head' }, el('h3', {}, `${b.tableNumber} · ${billNo(b.billId)}`), el('span', { class: `bill-state ${b.status}` }, state + moved)),
    el(
      'p',
      { class: 'meta' },
      `${b.mode === 'pay_later' ? '先吃后付' : '先付后吃'} · ${hhmm(b.openedAt)} 入座`,
      b.diners.length ? ` · ${b.diners.map((d) => d.label).join('、')}` : '',
    ),
    ...(b.rounds.length ? b.rounds.map((o) => round(s, b, o, open)) : [el('p', { class: 'empty' }, '还没有下单')]),
    el(
      'dl',
      { class: 'sums' },
      el('dt', {}, '合计'),
      el('dd', { class: 'total' }, money(b.total)),
      el('dt', {}, '已付'),
      el('dd', { class: 'paid' }, money(b.paid)),
      el('dt', {}, '待付'),
      el('dd', { class: 'owed' }, money(b.owed)),
    ),
    b.settlement
      ? el('p', { class: 'settlement' }, `${BILL_STATES[b.status]}：${settlementText(b.settlement)} · ${b.settlement.by} · ${hhmm(b.settlement.at)}`)
      : null,
    !b.settlement && b.closeReason ? el('p', { class: 'settlement' }, `原因：${b.closeReason}`) : null,
    open
      ? el(
          'div',
          { class: 'actions bill-actions' },
          b.owed > 0 ? el('button', { class: 'primary', onclick: () => settleForm(context(s)) }, `结账 ${money(b.owed)}`) : null,
          el('button', { class: 'small', onclick: () => closeForm(context(s)) }, '清台'),
          el('button', { class: 'small', onclick: () => tableForm(context(s), 'move') }, '换桌'),
          el('button', { class: 'small', onclick: () => tableForm(context(s), 'merge') }, '并台'),
        )
      : null,
  );
}

/** @param {Shown} s @param {BillDTO} b @param {OrderDTO} o @param {boolean} open */
function round(s, b, o, open) {
  const counted = !['pending_payment', 'cancelled', 'rejected'].includes(o.status);
  return el(
    'section',
    { class: `round ${o.status}${counted ? '' : ' uncounted'}`, 'data-order': o.orderId },
    el(
      'div',
      { class: 'round-head' },
      el('span', {}, `第 ${o.round ?? 1} 轮`),
      el('span', { class: 'round-state' }, ROUND_STATES[o.status]),
      el('span', { class: 'meta' }, `${hhmm(o.createdAt)} · ${money(o.totalAmount)}`),
    ),
    el('ul', { class: 'lines' }, ...o.items.map((item, line) => lineRow(s, b, o, item, line, open && returnable(o)))),
  );
}

/**
 * @param {Shown} s @param {BillDTO} b @param {OrderDTO} o @param {OrderItemDTO} item
 * @param {number} line @param {boolean} mayReturn
 */
function lineRow(s, b, o, item, line, mayReturn) {
  const left = item.quantity - item.returnedQuantity;
  return el(
    'li',
    { class: left === 0 ? 'line returned' : 'line', 'data-line': line },
    el('span', { class: 'name' }, item.cuisineName),
    // A line returned in full keeps what was ordered, struck; a part returned shows what is left.
    el('span', { class: 'qty' }, `×${left || item.quantity}`),
    item.returnedQuantity ? el('s', { class: 'returned-qty', title: '已退菜' }, left ? `退 ${item.returnedQuantity}` : '已退') : null,
    el('span', { class: 'who' }, who(b, item.addUserId)),
    el('span', { class: 'amount' }, money(left ? item.subtotalAmount : (toFen(item.unitPrice) * item.quantity) / 100)),
    mayReturn && left > 0 ? el('button', { class: 'small', onclick: () => returnForm(context(s), o, line) }, '退菜') : null,
  );
}

/**
 * What the forms over the bill get from the map: the bill shown, the tables, and how to show
 * what they did.
 * @param {Shown} s @returns {import('./billforms.js').BillContext}
 */
function context(s) {
  const showBill = () => {
    if (shown === s && s.bill) drawBill(s);
  };
  return {
    bill: /** @type {BillDTO} */ (s.bill),
    tables: s.floor?.tables ?? [],
    toast: s.toast,
    async done(text, bill) {
      fill('floor-sheet');
      s.toast(text, false);
      s.bill = bill;
      // After 换桌 the bill stands at another table; after 并台 it is the other table's bill.
      if (bill) {
        s.billId = bill.billId;
        s.tableId = bill.tableId;
        markChosen(bill.tableId);
        showBill();
      }
      await refresh();
    },
    back() {
      fill('floor-sheet');
      showBill();
    },
    async reload() {
      try {
        const bill = await bridge.bill(/** @type {number} */ (s.billId));
        s.bill = bill;
        showBill();
        return bill;
      } catch (e) {
        s.toast(bridge.messageOf(e));
        return null;
      }
    },
  };
}
