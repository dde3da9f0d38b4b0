// The forms over a table's bill at the counter: 结账 (现金 with the change worked out as the
// money is typed, 收款码, 刷卡, 挂账 and 免单 with a reason), 清台 (a reason while money is owed),
// 换桌 and 并台 (pick the table, then confirm) and 退菜 of one line (a stepper bounded by what is
// left, and a reason). Each sends what the counter saw; the server decides, and its refusal
// stays on the form in its own words. A settle refused as `bill_changed` took nothing: the bill
// is read again and the form comes back at the new amount.

import * as bridge from './bridge.js';
import { money } from './board.js';
import { el, fill, input, row, twoStep } from './dom.js';

/** @typedef {import('../bindings/BillDTO').BillDTO} BillDTO */
/** @typedef {import('../bindings/FloorTable').FloorTable} FloorTable */
/** @typedef {import('../bindings/OrderDTO').OrderDTO} OrderDTO */
/** @typedef {import('../bindings/PayMethod').PayMethod} PayMethod */
/** @typedef {import('../bindings/Settlement').Settlement} Settlement */

/**
 * What a form needs from the table map: the bill as shown, the tables (to move or merge to), and
 * the map's ways to say and show things.
 * @typedef {object} BillContext
 * @property {BillDTO} bill
 * @property {FloorTable[]} tables
 * @property {(text: string, bad?: boolean) => void} toast
 * @property {(text: string, bill: BillDTO | null) => Promise<void>} done the form did its work: close it, say `text`, show `bill` (null: read the bill again) and the map
 * @property {() => void} back closed without doing anything
 * @property {() => Promise<BillDTO | null>} reload read the bill again and show it (null if it could not be read)
 */

/** A table on the map, as the counter says it. */
export const TABLE_STATES = { free: '空闲', ordering: '点餐中', eating: '用餐中', to_pay: '待结账' };
/** A bill, as the counter says it. */
export const BILL_STATES = { open: '用餐中', settled: '已结账', closed: '已清台', merged: '已并台' };
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
const REASON_MAX = 50;
const RETURN_REASONS = ['客人不要了', '上错菜', '等太久', '菜品售罄'];

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
 * @returns {{ok: boolean, text: string}}
 */
export function cashChange(owedFen, typed) {
  if (!typed.trim()) return { ok: false, text: '请输入实收金额' };
  const received = fen(typed);
  if (received === null) return { ok: false, text: '金额最多两位小数，如 100 或 88.50' };
  if (received < owedFen) return { ok: false, text: `还差 ${money((owedFen - received) / 100)}` };
  return { ok: true, text: `找零 ${money((received - owedFen) / 100)}` };
}

/** Why a reason cannot be sent yet, or null. @param {string} text */
export function reasonProblem(text) {
  const length = [...text.trim()].length;
  if (length === 0) return '请填写原因';
  if (length > REASON_MAX) return `原因最多 ${REASON_MAX} 个字（现在 ${length} 个）`;
  return null;
}

/** How a settlement reads: 「现金 ¥88.00，实收 ¥100.00，找零 ¥12.00」. @param {Settlement} s */
export function settlementText(s) {
  const parts = [`${METHOD_LABELS[s.method]} ${money(s.amount)}`];
  if (s.received !== null) parts.push(`实收 ${money(s.received)}`);
  if (s.change !== null) parts.push(`找零 ${money(s.change)}`);
  if (s.reason) parts.push(`原因：${s.reason}`);
  return parts.join('，');
}

/** A form over the bill. @param {string} cls @param {...(Node | null)} children */
function sheet(cls, ...children) {
  fill('floor-sheet', el('div', { class: `sheet ${cls}`, role: 'dialog' }, ...children));
}

/**
 * Do one thing to the bill; a refusal stays on the form in the server's words.
 * @param {BillContext} c @param {HTMLElement} problem @param {() => Promise<void>} work
 */
async function run(c, problem, work) {
  try {
    await work();
  } catch (e) {
    problem.textContent = bridge.messageOf(e);
    c.toast(bridge.messageOf(e));
  }
}

/**
 * 结账: the method, then for cash the money handed over with the change worked out as it is
 * typed; 挂账 and 免单 need a reason. `note` says why the form came back (the bill changed).
 * @param {BillContext} c @param {string} [note] @param {PayMethod} [start]
 */
export function settleForm(c, note = '', start = 'cash') {
  const b = c.bill;
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
      await c.done(`${settled.tableNumber} 已结账：${settled.settlement ? settlementText(settled.settlement) : money(b.owed)}`, settled);
    } catch (e) {
      if (/** @type {{code?: string}} */ (e)?.code === 'bill_changed') return changed(c, method);
      problem.textContent = bridge.messageOf(e);
      c.toast(bridge.messageOf(e));
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
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: c.back }, '取消')),
  );
  update();
  (method === 'cash' ? received : reason).focus();
}

/**
 * The bill changed while the counter settled it (a round added, a dish returned, paid online):
 * nothing was taken. Read it again, show it, and ask again at the new amount.
 * @param {BillContext} c @param {PayMethod} method
 */
async function changed(c, method) {
  const b = await c.reload();
  if (!b) return;
  if (b.status !== 'open' || b.owed <= 0) {
    fill('floor-sheet');
    c.toast(`账单刚刚有变化：${b.tableNumber} 现在${BILL_STATES[b.status]}，待付 ${money(b.owed)}，本次未收款`);
    return;
  }
  const text = `账单刚刚有变化（加菜、退菜或顾客已付），本次未收款。已重新载入：现在应收 ${money(b.owed)}，请核对后再结账`;
  c.toast(text);
  settleForm({ ...c, bill: b }, text, method);
}

/** 清台: with money owed, only with a reason (recorded as 未结). @param {BillContext} c */
export function closeForm(c) {
  const b = c.bill;
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
    run(c, problem, async () => {
      const closed = await bridge.closeBill(b.billId, owed ? reason.value.trim() : null);
      await c.done(`${b.tableNumber} 已清台`, closed);
    }),
  );
  sheet(
    'close',
    el('h3', {}, `清台 · ${b.tableNumber}`),
    el('p', {}, owed ? `这桌还有 ${money(b.owed)} 未付：清台后记为「未结」，必须写明原因。` : '清台后这张桌空出来：下一桌扫码时开新的账单，这桌客人的手机不能再点餐。'),
    owed ? row('原因（必填）', reason) : null,
    hint,
    problem,
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: c.back }, '取消')),
  );
  update();
}

/**
 * 换桌 to a free table, or 并台 into an occupied table's bill: pick the table, then confirm.
 * @param {BillContext} c @param {'move' | 'merge'} kind
 */
export function tableForm(c, kind) {
  const b = c.bill;
  const tables = c.tables.filter((t) => t.tableId !== b.tableId && (kind === 'move' ? t.state === 'free' : t.billId !== null));
  const problem = el('div', { class: 'problem' });
  const pick = (/** @type {FloorTable} */ t) => {
    const label = kind === 'move' ? t.number : `${t.number}（${TABLE_STATES[t.state]}${t.owed > 0 ? ` · 待付 ${money(t.owed)}` : ''}）`;
    const confirm = kind === 'move' ? `确认换到 ${t.number}` : `确认并入 ${t.number}`;
    return twoStep(label, confirm, () =>
      run(c, problem, async () => {
        if (kind === 'move') {
          const moved = await bridge.moveBill(b.billId, t.tableId);
          await c.done(`已从 ${b.tableNumber} 换到 ${t.number}：请客人扫新桌的二维码继续点餐`, moved);
        } else {
          // The party now sits on that table's bill: the answer, shown next.
          const joined = await bridge.mergeBill(b.billId, t.tableId);
          await c.done(`${b.tableNumber} 已并入 ${t.number}，账单合在一起结`, joined);
        }
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
    el('div', { class: 'actions' }, el('button', { class: 'small', onclick: c.back }, '取消')),
  );
}

/**
 * 退菜 of one line: how many (up to what is left) and why.
 * @param {BillContext} c @param {OrderDTO} o @param {number} line
 */
export function returnForm(c, o, line) {
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
    run(c, problem, async () => {
      await bridge.returnItems(o.orderId, { line, quantity, reason: reason.value.trim() });
      const refund = o.paidAt === null ? '' : `；这一轮已在线付款，${money((toFen(item.unitPrice) * quantity) / 100)} 记为待退款`;
      await c.done(`已退「${item.cuisineName}」${quantity} 份${refund}`, null);
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
    el('div', { class: 'actions' }, confirm, el('button', { class: 'small', onclick: c.back }, '取消')),
  );
  update();
}
