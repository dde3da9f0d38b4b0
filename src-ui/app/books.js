// 日结, 订单历史 and 退款 (refunds.js), for the counter (owner and counter devices). 日结: one store-local day (today
// by default) as the server adds it up — 营业额, 实收 and each method, 优惠/挂账/未结, 退款, 单数,
// 人数, 客单价 — the 24 hours as bars drawn in SVG, the best-selling dishes, and 「导出 CSV」
// (the shell saves the server's file in Downloads and says where). 订单历史: past orders by dates,
// table, status and method, a page at a time, with the count and total over every page.

import * as bridge from './bridge.js';
import { money } from './board.js';
import { el, fill, input } from './dom.js';
import { METHOD_LABELS } from './billforms.js';
import { draw as drawRefunds, refundsTab } from './refunds.js';

/** @typedef {import('../bindings/DaySummary').DaySummary} DaySummary */
/** @typedef {import('../bindings/HourTotal').HourTotal} HourTotal */
/** @typedef {import('../bindings/HistoryQuery').HistoryQuery} HistoryQuery */
/** @typedef {import('../bindings/HistoryOrder').HistoryOrder} HistoryOrder */
/** @typedef {import('../bindings/OrderStatus').OrderStatus} OrderStatus */
/** @typedef {import('../bindings/PayMethod').PayMethod} PayMethod */
/** @typedef {import('../bindings/RefundDTO').RefundDTO} RefundDTO */
/** @typedef {(text: string, bad?: boolean) => void} Toast */

const PAGE = 20;
const SVG = 'http://www.w3.org/2000/svg';
/** An order's status in the history (the money matters here: 已付款 apart from 已下单). */
const STATUS_LABELS = {
  submitted: '已下单',
  paid: '已付款',
  accepted: '制作中',
  ready: '已出餐',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '已拒单',
  pending_payment: '待支付',
};

/** The day of `ms` on this machine's calendar, `YYYY-MM-DD` (the counter stands in the store). @param {number} ms */
export function localDate(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** 「12-02 14:03」. @param {number} ms */
function stamp(ms) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * An SVG element (the chart is drawn without a library).
 * @param {string} tag @param {Record<string, string | number>} attrs @param {...(Node | string)} children
 */
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/**
 * The 24 hours as bars of their takings, labelled every third hour; each bar's tooltip gives
 * its orders and amount. An hour without orders keeps its place with a zero-height bar.
 * @param {HourTotal[]} hours
 */
export function hourChart(hours) {
  const width = 720;
  const height = 200;
  const base = height - 24;
  const slot = width / 24;
  const top = Math.max(...hours.map((h) => h.amount), 0);
  const bars = hours.map((h) => {
    const tall = top > 0 ? Math.round(((base - 16) * h.amount) / top) : 0;
    const x = h.hour * slot + 4;
    return svg(
      'g',
      { class: 'hour', 'data-hour': h.hour },
      svg('rect', { class: 'bar', x, y: base - tall, width: slot - 8, height: tall }, svg('title', {}, `${h.hour}:00–${h.hour + 1}:00 · ${h.orders} 单 · ${money(h.amount)}`)),
      h.orders ? svg('text', { class: 'count', x: x + (slot - 8) / 2, y: base - tall - 4, 'text-anchor': 'middle' }, String(h.orders)) : '',
      h.hour % 3 === 0 ? svg('text', { class: 'label', x: h.hour * slot + slot / 2, y: height - 6, 'text-anchor': 'middle' }, `${h.hour}时`) : '',
    );
  });
  return svg(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': '各小时营业额（柱上数字为单数）' },
    svg('line', { class: 'axis', x1: 0, y1: base, x2: width, y2: base }),
    ...bars,
  );
}

/** @param {string} label @param {string} value @param {string} [cls] */
function figure(label, value, cls = '') {
  return el('div', { class: `figure ${cls}` }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
}

/** The day's figures, chart and dishes. @param {DaySummary} d */
function summary(d) {
  return [
    el(
      'div',
      { class: 'figures' },
      figure('营业额', money(d.sales), 'sales'),
      figure('实收', money(d.received), 'received'),
      figure('优惠/挂账/未结', money(d.discounts), 'discounts'),
      figure('退款', `${money(d.refunds)}（${d.refundCount} 笔）`, 'refunds'),
      figure('单数', `${d.orders} 单 · ${d.bills} 桌次`, 'orders'),
      figure('人数', `${d.covers} 人`, 'covers'),
      figure('客单价', money(d.averageTicket), 'average'),
    ),
    el('h3', {}, '结算方式'),
    d.byMethod.length
      ? el(
          'table',
          { class: 'report by-method' },
          el('tr', {}, ...['方式', '单数', '金额'].map((h) => el('th', { class: h === '金额' ? 'amount' : null }, h))),
          ...d.byMethod.map((m) => el('tr', { 'data-method': m.method }, el('td', {}, m.label), el('td', {}, String(m.count)), el('td', { class: 'amount' }, money(m.amount)))),
        )
      : el('p', { class: 'empty' }, '这一天没有结算'),
    el('h3', {}, '各小时营业额'),
    hourChart(d.hours),
    el('h3', {}, '热销菜品'),
    d.topDishes.length
      ? el(
          'table',
          { class: 'report dishes' },
          el('tr', {}, ...['', '菜品', '份数', '金额'].map((h) => el('th', { class: h === '金额' ? 'amount' : null }, h))),
          ...d.topDishes.map((dish, i) =>
            el('tr', {}, el('td', {}, String(i + 1)), el('td', {}, dish.name), el('td', {}, String(dish.quantity)), el('td', { class: 'amount' }, money(dish.amount))),
          ),
        )
      : el('p', { class: 'empty' }, '这一天没有卖出菜品'),
  ];
}

/**
 * The books, on 日结 or (`atRefunds`) on 退款.
 * @param {Toast} toast @param {RefundDTO[]} refunds the desk's open refunds @param {boolean} [atRefunds]
 */
export async function openBooks(toast, refunds, atRefunds = false) {
  const today = localDate(Date.now());
  const date = input({ type: 'date', value: today, max: today, 'aria-label': '日期' });
  const saved = el('p', { class: 'saved' });
  const load = async () => {
    fill('day', el('p', { class: 'empty' }, '正在载入…'));
    try {
      const d = await bridge.daySummary(date.value);
      fill('day', ...summary(d));
    } catch (e) {
      fill('day', el('p', { class: 'problem' }, bridge.messageOf(e)));
      toast(bridge.messageOf(e));
    }
  };
  const exportCsv = async () => {
    try {
      const path = await bridge.exportDay(date.value);
      saved.textContent = `已保存到 ${path}`;
      toast(`${date.value} 的日结已保存到 ${path}`, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  date.addEventListener('change', () => void load());
  const dayTab = el(
    'section',
    { class: 'tab day-tab' },
    el(
      'div',
      { class: 'toolbar' },
      el('label', { class: 'inline' }, '日期 ', date),
      el('button', { class: 'small', onclick: () => ((date.value = today), load()) }, '今天'),
      el('span', { class: 'spacer' }),
      el('button', { class: 'primary', onclick: exportCsv }, '导出 CSV'),
    ),
    saved,
    el('div', { id: 'day' }),
  );
  const historyTab = historySearch(today, toast);
  const refundTab = refundsTab(refunds, toast);
  const tabs = [
    el('button', { class: 'tab-button', role: 'tab', 'aria-selected': 'true', onclick: () => show(0) }, '日结'),
    el('button', { class: 'tab-button', role: 'tab', 'aria-selected': 'false', onclick: () => show(1) }, '订单历史'),
    el('button', { class: 'tab-button', role: 'tab', 'aria-selected': 'false', onclick: () => show(2) }, '退款'),
  ];
  // The day is read when its tab first shows: opened on 退款, the books read nothing else.
  let dayRead = false;
  const show = async (/** @type {number} */ which) => {
    [dayTab, historyTab, refundTab].forEach((tab, i) => (tab.hidden = i !== which));
    tabs.forEach((t, i) => t.setAttribute('aria-selected', String(i === which)));
    if (which === 0 && !dayRead) {
      dayRead = true;
      await load();
    }
  };
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog books' },
      el('div', { class: 'books-head' }, el('h2', {}, '账目'), el('div', { class: 'tabs', role: 'tablist' }, ...tabs), el('span', { class: 'spacer' }), el('button', { class: 'small', onclick: () => fill('dialog') }, '关闭')),
      dayTab,
      historyTab,
      refundTab,
    ),
  );
  drawRefunds();
  await show(atRefunds ? 2 : 0);
}

/**
 * 订单历史: the search form and a page of results.
 * @param {string} today @param {Toast} toast
 */
function historySearch(today, toast) {
  const from = input({ type: 'date', value: today, max: today, 'aria-label': '开始日期' });
  const to = input({ type: 'date', value: today, max: today, 'aria-label': '结束日期' });
  const table = input({ 'aria-label': '桌号', placeholder: '全部桌', size: 6 });
  const status = /** @type {HTMLSelectElement} */ (
    el('select', { 'aria-label': '状态' }, el('option', { value: '' }, '全部状态'), ...Object.entries(STATUS_LABELS).map(([s, label]) => el('option', { value: s }, label)))
  );
  const method = /** @type {HTMLSelectElement} */ (
    el(
      'select',
      { 'aria-label': '结算方式' },
      el('option', { value: '' }, '全部方式'),
      ...Object.entries(METHOD_LABELS).map(([m, label]) => el('option', { value: m }, label)),
    )
  );
  const results = el('div', { class: 'results' });
  /** @param {number} offset */
  const search = async (offset) => {
    /** @type {HistoryQuery} */
    const query = {
      from: from.value,
      to: to.value,
      table: table.value.trim() || null,
      status: /** @type {OrderStatus} */ (status.value) || null,
      method: /** @type {PayMethod} */ (method.value) || null,
      limit: PAGE,
      offset,
    };
    try {
      const page = await bridge.history(query);
      const pages = Math.max(1, Math.ceil(page.totalCount / PAGE));
      const at = Math.floor(offset / PAGE) + 1;
      results.replaceChildren(
        el('p', { class: 'total' }, `共 ${page.totalCount} 单，合计 ${money(page.totalAmount)}`),
        page.orders.length
          ? el(
              'table',
              { class: 'report history' },
              el('tr', {}, ...['时间', '订单号', '桌号', '轮次', '状态', '菜品', '金额', '结算方式', '结算时间'].map((h) => el('th', { class: h === '金额' ? 'amount' : null }, h))),
              ...page.orders.map(historyRow),
            )
          : el('p', { class: 'empty' }, '没有符合条件的订单'),
        el(
          'div',
          { class: 'pager' },
          el('button', { class: 'small', disabled: at <= 1, onclick: () => search(offset - PAGE) }, '上一页'),
          el('span', { class: 'page' }, `第 ${at}/${pages} 页`),
          el('button', { class: 'small', disabled: at >= pages, onclick: () => search(offset + PAGE) }, '下一页'),
        ),
      );
    } catch (e) {
      results.replaceChildren(el('p', { class: 'problem' }, bridge.messageOf(e)));
      toast(bridge.messageOf(e));
    }
  };
  return el(
    'section',
    { class: 'tab history-tab' },
    el(
      'div',
      { class: 'toolbar' },
      from,
      el('span', {}, '至'),
      to,
      table,
      status,
      method,
      el('button', { class: 'primary', onclick: () => search(0) }, '查询'),
    ),
    results,
  );
}

/** @param {HistoryOrder} h */
function historyRow(h) {
  const o = h.order;
  const items = o.items
    .map((i) => {
      const left = i.quantity - i.returnedQuantity;
      return i.returnedQuantity ? `${i.cuisineName}×${left}（退${i.returnedQuantity}）` : `${i.cuisineName}×${left}`;
    })
    .join('、');
  return el(
    'tr',
    { 'data-order': o.orderId },
    el('td', {}, stamp(o.createdAt)),
    el('td', {}, o.orderNo),
    el('td', {}, o.tableNumber),
    el('td', {}, o.round === null ? '' : `第 ${o.round} 轮`),
    el('td', {}, STATUS_LABELS[o.status]),
    el('td', { class: 'items-cell' }, items),
    el('td', { class: 'amount' }, money(o.totalAmount)),
    el('td', {}, h.method ? METHOD_LABELS[h.method] : '未结算'),
    el('td', {}, h.settledAt === null ? '' : stamp(h.settledAt)),
  );
}
