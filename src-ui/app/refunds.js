// 退款, the third tab of the counter's books (owner and counter devices): money owed back to
// customers and where getting it back stands. 未完成 lists the refunds not done yet, live from the desk's view (the
// core keeps them current from the store stream, so nothing is reloaded by hand); 全部 reads
// every one, and again whenever the open ones change. The server asks the payment provider by
// itself; the merchant steps in where it cannot: 重试 a refund the provider refused (or one
// still owed, paid online), or 已线下退款 with a note once the money went back by hand. A button
// the server would refuse is disabled, and a refusal still shows in the server's words.

import * as bridge from './bridge.js';
import { money } from './board.js';
import { el, fill, input } from './dom.js';

/** @typedef {import('../bindings/RefundDTO').RefundDTO} RefundDTO */
/** @typedef {import('../bindings/RefundStatus').RefundStatus} RefundStatus */
/** @typedef {import('../bindings/RefundCause').RefundCause} RefundCause */
/** @typedef {(text: string, bad?: boolean) => void} Toast */

/** The server's labels (shared/src/refunds.rs). @type {Record<RefundStatus, string>} */
export const STATUS_LABELS = {
  due: '待退款',
  requested: '退款中',
  succeeded: '已退款',
  failed: '退款失败',
  offline: '已线下退款',
};

/** @type {Record<RefundCause, string>} */
export const CAUSE_LABELS = {
  rejected: '拒单退款',
  duplicate_payment: '重复支付',
  paid_after_cancel: '取消后付款',
  item_returned: '退菜',
  bill_changed: '账单已变',
};

/** 重试: owed or refused, and paid online (money taken at the counter goes back by hand). @param {RefundDTO} r */
export function canRetry(r) {
  return (r.status === 'failed' || r.status === 'due') && r.provider !== null;
}

/** 已线下退款: not done and not with the provider right now. @param {RefundDTO} r */
export function canMarkOffline(r) {
  return r.status === 'failed' || r.status === 'due';
}

/** What the merchant reads beside the status: why it failed, who handed it back, or what to do. @param {RefundDTO} r */
export function refundNote(r) {
  if (r.status === 'offline') return r.handledBy ?? '';
  if (r.status === 'succeeded') return '';
  if (r.status === 'failed') return r.lastError ?? '支付渠道拒绝了退款';
  if (r.provider === null) return '线下收的款，请退还后标记「已线下退款」';
  return r.lastError ?? '';
}

/** 「12-02 14:03」. @param {number} ms */
function stamp(ms) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * The open view, null while closed.
 * @typedef {{toast: Toast, all: boolean, open: RefundDTO[], every: RefundDTO[] | null}} Shown
 */
/** @type {Shown | null} */
let shown = null;

/** Still on screen (another view may have taken the dialog's place). */
function isOpen() {
  if (shown && document.querySelector('.refunds-tab')) return true;
  shown = null;
  return false;
}

/** The 「已线下退款」 form is open: the list under it is not redrawn. */
function sheetOpen() {
  return (document.getElementById('refund-sheet')?.childElementCount ?? 0) > 0;
}

/**
 * The desk's view came: the open refunds as they now stand. Called with every view.
 * @param {RefundDTO[]} open
 */
export function refundsHeard(open) {
  if (!isOpen() || !shown) return;
  const changed = JSON.stringify(open) !== JSON.stringify(shown.open);
  shown.open = open;
  if (!changed) return;
  if (shown.all) void readAll();
  else draw();
}

/**
 * The tab, drawn from the desk's open refunds once it is in the page.
 * @param {RefundDTO[]} open @param {Toast} toast
 */
export function refundsTab(open, toast) {
  shown = { toast, all: false, open, every: null };
  const which = [
    el('button', { class: 'small tab-button', 'aria-pressed': 'true', onclick: () => show(false) }, '未完成'),
    el('button', { class: 'small tab-button', 'aria-pressed': 'false', onclick: () => show(true) }, '全部'),
  ];
  const show = (/** @type {boolean} */ all) => {
    if (!shown) return;
    shown.all = all;
    which.forEach((t, i) => t.setAttribute('aria-pressed', String(i === (all ? 1 : 0))));
    if (all) void readAll();
    else draw();
  };
  return el(
    'section',
    { class: 'tab refunds-tab' },
    el('div', { class: 'toolbar' }, ...which),
    el('div', { id: 'refund-list' }),
    el('div', { id: 'refund-sheet' }),
  );
}

async function readAll() {
  try {
    const every = await bridge.refunds(true);
    if (!isOpen() || !shown?.all) return;
    shown.every = every;
    draw();
  } catch (e) {
    shown?.toast(bridge.messageOf(e));
  }
}

/** Show the list the tab is on. */
export function draw() {
  if (!shown || sheetOpen()) return;
  const list = shown.all ? (shown.every ?? []) : shown.open;
  const empty = shown.all ? '还没有退款' : '没有待处理的退款';
  fill(
    'refund-list',
    list.length
      ? el(
          'table',
          { class: 'report refund-list' },
          el('tr', {}, ...['时间', '桌号', '订单号', '原因', '金额', '状态', '说明', '次数', ''].map((h) => el('th', { class: h === '金额' ? 'amount' : null }, h))),
          ...list.map(refundRow),
        )
      : el('p', { class: 'empty' }, empty),
  );
}

/** @param {RefundDTO} r */
function refundRow(r) {
  return el(
    'tr',
    { 'data-refund': r.refundId, class: r.status },
    el('td', {}, stamp(r.createdAt)),
    el('td', {}, r.tableNumber ?? ''),
    el('td', {}, r.orderNo ?? r.refundNo),
    el('td', {}, CAUSE_LABELS[r.cause]),
    el('td', { class: 'amount' }, money(r.amount)),
    el('td', {}, el('span', { class: `refund-state ${r.status}` }, STATUS_LABELS[r.status])),
    el('td', { class: 'why' }, refundNote(r)),
    el('td', {}, String(r.attempts)),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'refund-actions' },
        el('button', { class: 'small', disabled: !canRetry(r), onclick: () => retry(r) }, '重试'),
        el('button', { class: 'small', disabled: !canMarkOffline(r), onclick: () => offlineForm(r) }, '已线下退款'),
      ),
    ),
  );
}

/** @param {RefundDTO} r */
async function retry(r) {
  try {
    await bridge.retryRefund(r.refundId);
    shown?.toast(`已重新发起退款 ${money(r.amount)}`, false);
  } catch (e) {
    shown?.toast(bridge.messageOf(e));
  }
}

/** Ask what was done, then mark it. @param {RefundDTO} r */
function offlineForm(r) {
  const note = input({ 'aria-label': '退款说明', placeholder: '已现金退还', maxlength: 100 });
  const problem = el('p', { class: 'problem' });
  const close = () => {
    fill('refund-sheet');
    draw();
  };
  const submit = async () => {
    problem.textContent = '';
    try {
      await bridge.refundOffline(r.refundId, note.value.trim());
      shown?.toast(`已标记线下退款 ${money(r.amount)}`, false);
      close();
    } catch (e) {
      problem.textContent = bridge.messageOf(e);
    }
  };
  const whom = r.tableNumber ? `${r.tableNumber}号桌` : (r.orderNo ?? r.refundNo);
  fill(
    'refund-sheet',
    el(
      'form',
      { class: 'sheet', role: 'dialog', onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), submit()) },
      el('h3', {}, `已线下退款 · ${whom} ${money(r.amount)}`),
      el('p', {}, '钱已当面退还给顾客后再标记；标记后不会再向支付渠道申请这笔退款。'),
      el('label', { class: 'row' }, el('span', {}, '说明'), note),
      problem,
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', type: 'submit' }, '确定'),
        el('button', { class: 'small', type: 'button', onclick: close }, '取消'),
      ),
    ),
  );
  note.focus();
}
