// The 「店铺」 panel, for the owner: which devices of the store are online (this one marked 本机),
// every stretch an alert went unheard with today's total, and 「无人响应时」 — how long the server
// waits before every device alarms, and whether it then accepts or rejects an order by itself.
// Only the merchant's credential may change that; the kitchen sees it read-only.

import * as bridge from './bridge.js';
import { el, fill, input, row } from './dom.js';

/** @typedef {import('../bindings/StoreReport').StoreReport} StoreReport */
/** @typedef {import('../bindings/DeviceDTO').DeviceDTO} DeviceDTO */
/** @typedef {import('../bindings/UnheardAlert').UnheardAlert} UnheardAlert */
/** @typedef {import('../bindings/AlertSettings').AlertSettings} AlertSettings */
/** @typedef {import('../bindings/UnheardAction').UnheardAction} UnheardAction */

/** How long, as minutes:seconds: 「2:05」. @param {number} ms */
export function minSec(ms) {
  const secs = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
}

/** 「12月2日 14:03」, in this machine's time zone. @param {number} ms */
function when(ms) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** @param {DeviceDTO} d @param {string} me */
function device(d, me) {
  return el(
    'tr',
    { class: d.online ? 'online' : 'offline', 'data-device': d.deviceId },
    el('td', {}, d.name, d.deviceId === me ? el('span', { class: 'me' }, '本机') : null),
    el('td', {}, d.kind === 'kitchen' ? '后厨' : '前台'),
    el('td', { class: 'state' }, d.revoked ? '已停用' : d.online ? '在线' : '离线'),
    el('td', {}, d.online ? '' : d.lastSeenAt === null ? '从未连接' : `最后在线 ${when(d.lastSeenAt)}`),
  );
}

/** @param {UnheardAlert} a */
function stretch(a) {
  return el(
    'tr',
    { class: a.settledAt === null ? 'open' : 'settled', 'data-order': a.orderId },
    el('td', {}, `${a.tableNumber}号桌`),
    el('td', {}, a.orderNo),
    el('td', {}, a.alert === 'reminder' ? '催单' : '新订单'),
    el('td', {}, a.reason === 'no_device_online' ? '无设备在线' : '无人听到'),
    el('td', {}, when(a.since)),
    el('td', { class: 'long' }, minSec(a.unheardMs)),
    el('td', { class: 'state' }, a.settledAt === null ? '仍未响应' : '已处理'),
  );
}

/**
 * @param {string[]} heads @param {HTMLElement[]} rows @param {string} empty
 */
function table(heads, rows, empty) {
  if (!rows.length) return el('p', { class: 'empty' }, empty);
  return el('table', { class: 'report' }, el('tr', {}, ...heads.map((h) => el('th', {}, h))), ...rows);
}

/**
 * The owner's choice; read-only without the merchant's credential.
 * @param {StoreReport} report @param {(text: string, bad?: boolean) => void} toast
 */
function choice(report, toast) {
  const s = report.settings;
  const locked = !report.canEdit;
  const wait = input({ type: 'number', min: 5, max: 600, value: s.escalateAfterSecs, disabled: locked });
  const action = /** @type {HTMLSelectElement} */ (
    el(
      'select',
      { disabled: locked, 'aria-label': '无人接单时' },
      ...[['none', '继续提醒'], ['accept', '自动接单'], ['reject', '自动拒单']].map(([value, text]) =>
        el('option', { value, selected: value === s.unheardAction }, text),
      ),
    )
  );
  const after = input({ type: 'number', min: 1, max: 60, value: Math.round(s.unheardActionAfterSecs / 60), disabled: locked });
  // The minutes only matter when the server is to act: shown otherwise, they would read as if in force.
  const afterRow = row('付款后多少分钟仍无人响应时执行', after);
  const showAfter = () => (afterRow.hidden = action.value === 'none');
  action.addEventListener('change', showAfter);
  showAfter();

  const save = async () => {
    /** @type {AlertSettings} */
    const next = {
      escalateAfterSecs: Number(wait.value) || 15,
      unheardAction: /** @type {UnheardAction} */ (action.value),
      unheardActionAfterSecs: (Number(after.value) || 5) * 60,
    };
    try {
      await bridge.saveAlertSettings(next);
      toast('无人响应时的处理已保存', false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  return el(
    'section',
    { class: 'choice' },
    el('h3', {}, '无人响应时'),
    row('无设备响铃多少秒后全部设备报警', wait),
    row('无人接单时', action),
    afterRow,
    locked
      ? el('p', { class: 'meta' }, '仅商家凭证可修改（本机为后厨）。')
      : el('button', { class: 'primary', onclick: save }, '保存'),
  );
}

/** @param {(text: string, bad?: boolean) => void} toast */
export async function openStore(toast) {
  /** @type {StoreReport} */
  let report;
  try {
    report = await bridge.storeReport();
  } catch (e) {
    toast(bridge.messageOf(e));
    return;
  }
  const close = () => fill('dialog');
  const open = report.unheard.alerts.filter((a) => a.settledAt === null).length;
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog store' },
      el('h2', {}, '店铺'),
      el('h3', {}, '设备'),
      table(['名称', '类型', '状态', ''], report.devices.map((d) => device(d, report.thisDevice)), '还没有设备连接过'),
      el('h3', {}, '未响应记录'),
      el(
        'p',
        { class: 'total' },
        `今天共 ${minSec(report.unheardTodayMs)} 无人响应`,
        open ? el('span', { class: 'open' }, ` · ${open} 条仍未响应`) : null,
      ),
      table(['桌台', '订单号', '提醒', '原因', '时间', '时长', ''], report.unheard.alerts.map(stretch), '没有无人响应的提醒'),
      choice(report, toast),
      el('div', { class: 'actions' }, el('button', { class: 'small', onclick: close }, '关闭')),
    ),
  );
}
