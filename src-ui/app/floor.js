// 桌台图, for the counter (owner and counter devices): every table by area with its state in
// colour and in words (空闲 / 点餐中 / 用餐中 / 待结账), how long the party has sat and what it
// owes. The map is read when it opens, again when the store stream brings an event that changes
// it (the desk counts them: `floorChanges`) and every 15 s while it shows. One timer moves the
// 「已坐 N 分钟」 lines once a minute, touching only the text that changed.
// A table's bill opens beside the map: its rounds and lines (who added what, returns struck),
// and what the counter does with it — 结账 (现金 with the change worked out as the money is
// typed, 收款码, 刷卡, 挂账 and 免单 with a reason), 清台, 换桌, 并台 and 退菜 per line. The server
// decides; a bill that changed meanwhile (`bill_changed`) is read again and the counter told.

import * as bridge from './bridge.js';
import { money, untilNextMinute } from './board.js';
import { el, fill, input, row, twoStep } from './dom.js';

/** @typedef {import('../bindings/FloorDTO').FloorDTO} FloorDTO */
/** @typedef {import('../bindings/FloorTable').FloorTable} FloorTable */
/** @typedef {import('../bindings/BillDTO').BillDTO} BillDTO */
/** @typedef {import('../bindings/OrderDTO').OrderDTO} OrderDTO */
/** @typedef {import('../bindings/OrderItemDTO').OrderItemDTO} OrderItemDTO */
/** @typedef {import('../bindings/PayMethod').PayMethod} PayMethod */
/** @typedef {import('../bindings/Settlement').Settlement} Settlement */
/** @typedef {(text: string, bad?: boolean) => void} Toast */

export const TABLE_STATES = { free: '空闲', ordering: '点餐中', eating: '用餐中', to_pay: '待结账' };
/** A round as the kitchen has it. */
export const ROUND_STATES = {
  pending_payment: '待支付',
  submitted: '已下单',
  paid: '已下单',
  accepted: '制作中',
  ready: '已出餐',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '已拒单',
};
const BILL_STATES = { open: '用餐中', settled: '已结账', closed: '已清台', merged: '已并台' };
/** @type {Record<PayMethod, string>} */
export const METHOD_LABELS = {
  cash: '现金',
  store_qr: '收款码',
  card: '刷卡',
  online: '在线支付',
  credit: '挂账',
  free: '免单',
  unpaid: '未结',
};
/** What the counter may settle by, in the order of the picker. @type {PayMethod[]} */
const COUNTER_METHODS = ['cash', 'store_qr', 'card', 'credit', 'free'];
const REFRESH_MS = 15_000;
const MINUTE = 60_000;
const REASON_MAX = 50;
const RETURN_REASONS = ['客人不要了', '上错菜', '等太久', '菜品售罄'];

/** 「已坐 42 分钟」: whole minutes, so the line changes once a minute. @param {number} ms */
export function seatedText(ms) {
  const total = Math.floor(Math.max(0, ms) / MINUTE);
  if (total < 1) return '刚入座';
  if (total < 60) return `已坐 ${total} 分钟`;
  return `已坐 ${Math.floor(total / 60)} 小时 ${total % 60} 分`;
}

/** Yuan as typed (「88」「88.5」「88.50」) in whole fen; null if not an amount. @param {string} text */
export function fen(text) {
  const match = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** An amount from the server (a JSON number of yuan) in whole fen. @param {number} amount */
export function toFen(amount) {
  return Math.round(amount * 100);
}

/**
 * What the cash line says while the money is typed: the change, or what is missing.
 * @param {number} owedFen @param {string} typed
 * @returns {{ok: boolean, text: string, changeFen: number | null}}
 */
export function cashChange(owedFen, typed) {
  if (!typed.trim()) return { ok: false, text: '请输入实收金额', changeFen: null };
  const received = fen(typed);
  if (received === null) return { ok: false, text: '金额最多两位小数，如 100 或 88.50', changeFen: null };
  if (received < owedFen) return { ok: false, text: `还差 ${money((owedFen - received) / 100)}`, changeFen: null };
  return { ok: true, text: `找零 ${money((received - owedFen) / 100)}`, changeFen: received - owedFen };
}

/** Why a reason cannot be sent yet, or null. @param {string} text */
export function reasonProblem(text) {
  const length = [...text.trim()].length;
  if (length === 0) return '请填写原因';
  if (length > REASON_MAX) return `原因最多 ${REASON_MAX} 个字（现在 ${length} 个）`;
  return null;
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

/** How a settlement reads: 「现金 ¥88.00，实收 ¥100.00，找零 ¥12.00」. @param {Settlement} s */
export function settlementText(s) {
  const parts = [`${METHOD_LABELS[s.method]} ${money(s.amount)}`];
  if (s.received !== null) parts.push(`实收 ${money(s.received)}`);
  if (s.change !== null) parts.push(`找零 ${money(s.change)}`);
  if (s.reason) parts.push(`原因：${s.reason}`);
  return parts.join('，');
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
  // The party may have moved (换桌): follow its bill; a table left free shows as free.
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
  for (const node of document.querySelectorAll('#floor-map .tile')) node.classList.toggle('chosen', node.getAttribute('data-table') === String(t.tableId));
  if (t.billId === null) {
    fill('floor-bill', el('h3', {}, `${t.number} · 空闲`), el('p', { class: 'empty' }, '没有客人：顾客扫码入座后，这里显示账单。'));
    return;
  }
  fill('floor-bill', el('p', { class: 'empty' }, '正在载入账单…'));
  void loadBill(s, t.billId);
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
          b.owed > 0 ? el('button', { class: 'primary', onclick: () => settleSheet(s) }, `结账 ${money(b.owed)}`) : null,
          el('button', { class: 'small', onclick: () => closeSheet(s) }, '清台'),
          el('button', { class: 'small', onclick: () => tableSheet(s, 'move') }, '换桌'),
          el('button', { class: 'small', onclick: () => tableSheet(s, 'merge') }, '并台'),
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
    mayReturn && left > 0 ? el('button', { class: 'small', onclick: () => returnSheet(s, o, line) }, '退菜') : null,
  );
}

/** A form over the bill; closing it shows the bill as it is now. @param {string} cls @param {...(Node | null)} children */
function sheet(cls, ...children) {
  fill('floor-sheet', el('div', { class: `sheet ${cls}`, role: 'dialog' }, ...children));
}

function closeSheetView() {
  fill('floor-sheet');
  if (shown?.bill) drawBill(shown);
}

/**
 * Do one thing to the bill: on success say so and show the map and bill as they are; a refusal
 * stays on the form in the server's words.
 * @param {HTMLElement} problem @param {() => Promise<string>} work
 */
async function run(problem, work) {
  const s = shown;
  if (!s) return;
  try {
    const done = await work();
    fill('floor-sheet');
    s.toast(done, false);
    await refresh();
  } catch (e) {
    problem.textContent = bridge.messageOf(e);
    s.toast(bridge.messageOf(e));
  }
}

/**
 * 结账: the method, then for cash the money handed over with the change worked out as it is
 * typed; 挂账 and 免单 need a reason. `note` says why the form came back (the bill changed).
 * @param {Shown} s @param {string} [note] @param {PayMethod} [start]
 */
function settleSheet(s, note = '', start = 'cash') {
  const b = /** @type {BillDTO} */ (s.bill);
  const owed = toFen(b.owed);
  let method = start;
  const received = input({ 'aria-label': '实收（元）', inputmode: 'decimal', size: 8, autocomplete: 'off' });
  const change = el('div', { class: 'change', 'aria-live': 'polite' });
  const reason = input({ 'aria-label': '原因', maxlength: REASON_MAX, size: 24, placeholder: '挂账写明谁的账，免单写明为何' });
  const hint = el('div', { class: 'hint' });
  const problem = el('div', { class: 'problem' }, note);
  const confirm = /** @type {HTMLButtonElement} */ (el('button', { class: 'primary' }));
  // Common notes handed over: exactly, or the next 10, 50 or 100 up.
  const quick = [...new Set([owed, Math.ceil(owed / 1000) * 1000, Math.ceil(owed / 5000) * 5000, Math.ceil(owed / 10000) * 10000])].filter((f) => f >= owed);
  const cash = el(
    'div',
    { class: 'cash' },
    row('实收（元）', received),
    el(
      'div',
      { class: 'quick' },
      ...quick.map((f, i) =>
        el('button', { class: 'small', onclick: () => ((received.value = (f / 100).toFixed(2)), update()) }, i === 0 ? `正好 ${money(f / 100)}` : money(f / 100)),
      ),
    ),
    change,
  );
  const why = el('div', { class: 'why' }, row('原因（必填）', reason), hint);
  const methods = COUNTER_METHODS.map((m) =>
    el('button', { class: 'method', role: 'radio', 'data-method': m, onclick: () => ((method = m), update()) }, METHOD_LABELS[m]),
  );
  const update = () => {
    for (const button of methods) button.setAttribute('aria-checked', String(button.getAttribute('data-method') === method));
    cash.hidden = method !== 'cash';
    why.hidden = method !== 'credit' && method !== 'free';
    let blocked = null;
    if (method === 'cash') {
      const c = cashChange(owed, received.value);
      change.textContent = c.text;
      change.className = c.ok ? 'change ok' : 'change short';
      if (!c.ok) blocked = c.text;
    } else if (!why.hidden) {
      blocked = reasonProblem(reason.value);
      hint.textContent = blocked ?? '';
    }
    confirm.disabled = blocked !== null;
    const verb = method === 'credit' ? '确认挂账' : method === 'free' ? '确认免单' : '确认收款';
    confirm.textContent = `${verb} ${money(b.owed)}`;
  };
  received.addEventListener('input', update);
  reason.addEventListener('input', update);
  const submit = async () => {
    if (confirm.disabled) return;
    /** @type {import('../bindings/SettleRequest').SettleRequest} */
    const request = {
      method,
      expectedOwed: b.owed,
      received: method === 'cash' ? /** @type {number} */ (fen(received.value)) / 100 : null,
      reason: method === 'credit' || method === 'free' ? reason.value.trim() : null,
    };
    confirm.disabled = true;
    try {
      const settled = await bridge.settleBill(b.billId, request);
      s.bill = settled;
      fill('floor-sheet');
      drawBill(s);
      s.toast(`${settled.tableNumber} 已结账：${settled.settlement ? settlementText(settled.settlement) : money(b.owed)}`, false);
      await refresh();
    } catch (e) {
      if (/** @type {{code?: string}} */ (e)?.code === 'bill_changed') return changed(s, method);
      problem.textContent = bridge.messageOf(e);
      s.toast(bridge.messageOf(e));
      update();
    }
  };
  confirm.addEventListener('click', submit);
  sheet(
    'settle',
    el('h3', {}, `结账 · ${b.tableNumber}`),
    el('p', { class: 'due' }, '应收 ', el('strong', { class: 'owed' }, money(b.owed))),
    el('div', { class: 'methods', role: 'radiogroup', 'aria-label': '结算方式' }, ...methods),
    cash,
    why,
    problem,
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: closeSheetView }, '取消')),
  );
  update();
  (method === 'cash' ? received : reason).focus();
}

/**
 * The bill changed while the counter settled it (a round added, a dish returned, paid online):
 * nothing was taken. Read it again, show it, and ask again at the new amount.
 * @param {Shown} s @param {PayMethod} method
 */
async function changed(s, method) {
  const billId = /** @type {number} */ (s.billId);
  try {
    s.bill = await bridge.bill(billId);
  } catch (e) {
    s.toast(bridge.messageOf(e));
    return;
  }
  drawBill(s);
  const b = s.bill;
  if (b.status !== 'open' || b.owed <= 0) {
    fill('floor-sheet');
    s.toast(`账单刚刚有变化：${b.tableNumber} 现在${BILL_STATES[b.status]}，待付 ${money(b.owed)}，本次未收款`);
    return;
  }
  const text = `账单刚刚有变化（加菜、退菜或顾客已付），本次未收款。已重新载入：现在应收 ${money(b.owed)}，请核对后再结账`;
  s.toast(text);
  settleSheet(s, text, method);
}

/** 清台: with money owed, only with a reason (recorded as 未结). @param {Shown} s */
function closeSheet(s) {
  const b = /** @type {BillDTO} */ (s.bill);
  const owed = b.owed > 0;
  const reason = input({ 'aria-label': '清台原因', maxlength: REASON_MAX, size: 24, placeholder: '如：客人已走，改天再结' });
  const hint = el('div', { class: 'hint' });
  const problem = el('div', { class: 'problem' });
  const confirm = /** @type {HTMLButtonElement} */ (el('button', { class: 'primary' }, '确认清台'));
  const update = () => {
    const blocked = owed ? reasonProblem(reason.value) : null;
    hint.textContent = blocked ?? '';
    confirm.disabled = blocked !== null;
  };
  reason.addEventListener('input', update);
  confirm.addEventListener('click', () =>
    run(problem, async () => {
      await bridge.closeBill(b.billId, owed ? reason.value.trim() : null);
      return `${b.tableNumber} 已清台`;
    }),
  );
  sheet(
    'close',
    el('h3', {}, `清台 · ${b.tableNumber}`),
    el('p', {}, owed ? `这桌还有 ${money(b.owed)} 未付：清台后记为「未结」，必须写明原因。` : '清台后这张桌空出来：下一桌扫码时开新的账单，这桌客人的手机不能再点餐。'),
    owed ? row('原因（必填）', reason) : null,
    hint,
    problem,
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: closeSheetView }, '取消')),
  );
  update();
}

/**
 * 换桌 to a free table, or 并台 into an occupied table's bill: pick the table, then confirm.
 * @param {Shown} s @param {'move' | 'merge'} kind
 */
function tableSheet(s, kind) {
  const b = /** @type {BillDTO} */ (s.bill);
  const tables = (s.floor?.tables ?? []).filter((t) => t.tableId !== b.tableId && (kind === 'move' ? t.state === 'free' : t.billId !== null));
  const problem = el('div', { class: 'problem' });
  const pick = (/** @type {FloorTable} */ t) => {
    const label = kind === 'move' ? t.number : `${t.number}（${TABLE_STATES[t.state]}${t.owed > 0 ? ` · 待付 ${money(t.owed)}` : ''}）`;
    const confirm = kind === 'move' ? `确认换到 ${t.number}` : `确认并入 ${t.number}`;
    return twoStep(label, confirm, () =>
      run(problem, async () => {
        if (kind === 'move') {
          await bridge.moveBill(b.billId, t.tableId);
          s.tableId = t.tableId;
          s.bill = null;
          return `已从 ${b.tableNumber} 换到 ${t.number}：请客人扫新桌的二维码继续点餐`;
        }
        await bridge.mergeBill(b.billId, t.tableId);
        s.tableId = t.tableId;
        s.billId = t.billId;
        s.bill = null;
        return `${b.tableNumber} 已并入 ${t.number}，账单合在一起结`;
      }),
    );
  };
  sheet(
    kind,
    el('h3', {}, kind === 'move' ? `换桌 · ${b.tableNumber} 换到哪一桌？` : `并台 · ${b.tableNumber} 并入哪一桌？`),
    el('p', { class: 'meta' }, kind === 'move' ? '只能换到空闲的桌：账单、未上的菜和购物车一起过去。' : '这桌的账单并入那一桌，一起结账；这张桌空出来。'),
    tables.length
      ? el('div', { class: 'targets' }, ...tables.map(pick))
      : el('p', { class: 'empty' }, kind === 'move' ? '现在没有空闲的桌' : '没有其他有客人的桌'),
    problem,
    el('div', { class: 'actions' }, el('button', { class: 'small', onclick: closeSheetView }, '取消')),
  );
}

/**
 * 退菜 of one line: how many (up to what is left) and why.
 * @param {Shown} s @param {OrderDTO} o @param {number} line
 */
function returnSheet(s, o, line) {
  const item = o.items[line];
  const left = item.quantity - item.returnedQuantity;
  let quantity = 1;
  const count = el('output', { class: 'count', 'aria-label': '退菜份数' }, '1');
  const less = /** @type {HTMLButtonElement} */ (el('button', { class: 'small', 'aria-label': '少退一份', onclick: () => step(-1) }, '−'));
  const more = /** @type {HTMLButtonElement} */ (el('button', { class: 'small', 'aria-label': '多退一份', onclick: () => step(1) }, '+'));
  const reason = input({ 'aria-label': '退菜原因', maxlength: REASON_MAX, size: 20, list: 'return-reasons' });
  const hint = el('div', { class: 'hint' });
  const problem = el('div', { class: 'problem' });
  const confirm = /** @type {HTMLButtonElement} */ (el('button', { class: 'primary' }));
  const update = () => {
    count.textContent = String(quantity);
    less.disabled = quantity <= 1;
    more.disabled = quantity >= left;
    const blocked = reasonProblem(reason.value);
    hint.textContent = blocked ?? '';
    confirm.disabled = blocked !== null;
    confirm.textContent = `确认退 ${quantity} 份 ${money((toFen(item.unitPrice) * quantity) / 100)}`;
  };
  const step = (/** @type {number} */ by) => {
    quantity = Math.min(left, Math.max(1, quantity + by));
    update();
  };
  reason.addEventListener('input', update);
  confirm.addEventListener('click', () =>
    run(problem, async () => {
      await bridge.returnItems(o.orderId, { line, quantity, reason: reason.value.trim() });
      const refund = o.paidAt === null ? '' : `；这一轮已在线付款，${money((toFen(item.unitPrice) * quantity) / 100)} 记为待退款`;
      return `已退「${item.cuisineName}」${quantity} 份${refund}`;
    }),
  );
  sheet(
    'return',
    el('h3', {}, `退菜 · ${o.tableNumber} 第 ${o.round ?? 1} 轮`),
    el('p', {}, `「${item.cuisineName}」${money(item.unitPrice)} × ${item.quantity}，还可退 ${left} 份。退菜后后厨、顾客手机和账单都会看到。`),
    el('div', { class: 'stepper' }, less, count, more),
    row('原因（必填）', reason),
    el('datalist', { id: 'return-reasons' }, ...RETURN_REASONS.map((r) => el('option', { value: r }))),
    hint,
    problem,
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: closeSheetView }, '取消')),
  );
  update();
}
