// The 「店铺」 panel, for the owner: which devices of the store are online (this one marked 本机),
// a credential issued for a new device (its pairing link shown) or one revoked,
// every stretch an alert went unheard with today's total, and 「无人响应时」 — how long the server
// waits before every device alarms, and whether it then accepts or rejects an order by itself.
// Only the merchant's credential may change that; the kitchen sees it read-only.

import * as bridge from './bridge.js';
import { el, fill, input, row, twoStep } from './dom.js';

/** @typedef {import('../bindings/StoreReport').StoreReport} StoreReport */
/** @typedef {import('../bindings/DeviceDTO').DeviceDTO} DeviceDTO */
/** @typedef {import('../bindings/UnheardAlert').UnheardAlert} UnheardAlert */
/** @typedef {import('../bindings/AlertSettings').AlertSettings} AlertSettings */
/** @typedef {import('../bindings/UnheardAction').UnheardAction} UnheardAction */
/** @typedef {import('../bindings/IssuedDevice').IssuedDevice} IssuedDevice */
/** @typedef {import('../bindings/StoreRole').StoreRole} StoreRole */

/** How long, as minutes:seconds: 「2:05」. @param {number} ms */
export function minSec(ms) {
  const secs = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
}

/** 「12月2日 14:03」, in this machine's time zone. @param {number} ms */
export function when(ms) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${two(d.getHours())}:${two(d.getMinutes())}`;
}

const ROLES = /** @type {const} */ ([['owner', '店主'], ['counter', '前台'], ['kitchen', '后厨']]);

/**
 * @param {DeviceDTO} d @param {StoreReport} report
 * @param {(text: string, bad?: boolean) => void} toast
 */
function device(d, report, toast) {
  const me = report.thisDevice;
  const revoke = async () => {
    try {
      await bridge.revokeDevice(d.deviceId);
      toast(`已停用「${d.name}」`, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
    await openStore(toast);
  };
  const mayRevoke = report.canEdit && !d.revoked && d.deviceId !== me;
  return el(
    'tr',
    { class: d.online ? 'online' : 'offline', 'data-device': d.deviceId },
    el('td', {}, d.name, d.deviceId === me ? el('span', { class: 'me' }, '本机') : null),
    el('td', {}, d.kind === 'kitchen' ? '后厨' : '前台'),
    el('td', { class: 'state' }, d.revoked ? '已停用' : d.online ? '在线' : '离线'),
    el('td', {}, d.online ? '' : d.lastSeenAt === null ? '从未连接' : `最后在线 ${when(d.lastSeenAt)}`),
    el('td', { class: 'role' }, ROLES.find(([r]) => r === d.role)?.[1] ?? ''),
    el('td', {}, mayRevoke ? twoStep('停用', '确认停用', revoke) : null),
  );
}

/**
 * The owner issues a credential for a new device; its pairing link is shown once issued.
 * @param {(text: string, bad?: boolean) => void} toast @param {IssuedDevice | null} issued
 */
function issueForm(toast, issued) {
  const name = input({ placeholder: '设备名称，如 厨房平板', 'aria-label': '设备名称', size: 14 });
  const role = /** @type {HTMLSelectElement} */ (
    el('select', { 'aria-label': '设备角色' }, ...ROLES.map(([value, text]) => el('option', { value, selected: value === 'counter' }, text)))
  );
  const issue = async () => {
    try {
      const made = await bridge.issueDevice({ name: name.value.trim(), role: /** @type {StoreRole} */ (role.value) });
      await openStore(toast, made);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  return el(
    'div',
    { class: 'issue' },
    el('div', { class: 'add' }, name, role, el('button', { class: 'small', onclick: issue }, '发放凭证')),
    issued
      ? el(
          'div',
          { class: 'issued' },
          el('p', {}, `「${issued.name}」的配对链接：在该设备上打开点单铃，粘贴此链接连接。`),
          input({ value: issued.pairingLink, readonly: true, 'aria-label': '配对链接', class: 'link' }),
        )
      : null,
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

/**
 * @param {(text: string, bad?: boolean) => void} toast
 * @param {IssuedDevice | null} [issued] a credential just issued, whose link to show
 */
export async function openStore(toast, issued = null) {
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
      table(['名称', '类型', '状态', '', '角色', ''], report.devices.map((d) => device(d, report, toast)), '还没有设备连接过'),
      report.canEdit ? issueForm(toast, issued) : null,
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
