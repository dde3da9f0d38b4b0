// 设置 → 打印机: the store's printers, each with the device that prints to it (only that device
// prints, so no ticket comes out twice); a form to add one (it prints from this device) or edit
// one (hand it to another device); 测试打印 and 删除. The kitchen reads the list; the server
// refuses it the changes, and its message is shown.

import * as bridge from './bridge.js';
import { check, el, fill, input, row, twoStep } from './dom.js';

/** @typedef {import('../bindings/PrinterDTO').PrinterDTO} PrinterDTO */
/** @typedef {import('../bindings/PrinterChange').PrinterChange} PrinterChange */
/** @typedef {import('../bindings/PrinterRole').PrinterRole} PrinterRole */
/** @typedef {import('../bindings/PrintRules').PrintRules} PrintRules */
/** @typedef {import('../bindings/DeviceDTO').DeviceDTO} DeviceDTO */
/** @typedef {import('../bindings/MenuCategoryDTO').MenuCategoryDTO} MenuCategoryDTO */
/** @typedef {(text: string, bad?: boolean) => void} Toast */

/** @type {Record<PrinterRole, string>} */
export const ROLES = { kitchen: '厨房', bar: '吧台', counter: '前台' };
const PAPERS = { mm58: '58 mm', mm80: '80 mm' };
/** @type {[keyof PrintRules, string][]} */
const RULES = [
  ['onNewOrder', '新订单（已付款，或先吃后付下单、加菜）'],
  ['onAccept', '接单时'],
  ['onReturn', '退菜'],
  ['onReminder', '催单'],
  ['onSettle', '结账后打印顾客小票'],
];
const DEFAULT_PORT = 9100;

/** What a printer of `role` prints unless the owner says otherwise (PrintRules::for_role). @param {PrinterRole} role @returns {PrintRules} */
export function rulesFor(role) {
  const kitchen = role !== 'counter';
  return { onNewOrder: kitchen, onAccept: false, onReturn: kitchen, onReminder: kitchen, onSettle: !kitchen };
}

/** How it is reached, as a person reads it. @param {PrinterDTO} p */
export function connectionText(p) {
  const c = p.connection;
  return c.kind === 'network' ? `网络 ${c.host}:${c.port}` : `系统打印机 ${c.queue}`;
}

/** @param {PrinterDTO} p @param {string} thisDevice */
function deviceText(p, thisDevice) {
  return p.deviceId === thisDevice ? `${p.deviceName}（本机）` : p.deviceName;
}

/**
 * The add/edit form. `printer` null: a new one.
 * @param {PrinterDTO | null} printer @param {DeviceDTO[]} devices @param {string} thisDevice
 * @param {MenuCategoryDTO[]} categories @param {(change: PrinterChange) => Promise<void>} submit @param {() => void} cancel
 */
function printerForm(printer, devices, thisDevice, categories, submit, cancel) {
  const name = input({ value: printer?.name ?? '', placeholder: '如 厨房打印机', 'aria-label': '名称', size: 16 });
  const role = /** @type {HTMLSelectElement} */ (
    el('select', { 'aria-label': '用途' }, ...Object.entries(ROLES).map(([value, label]) => el('option', { value, selected: (printer?.role ?? 'kitchen') === value }, label)))
  );
  const kind = /** @type {HTMLSelectElement} */ (
    el(
      'select',
      { 'aria-label': '连接方式' },
      el('option', { value: 'network', selected: printer?.connection.kind !== 'system' }, '网络打印机（IP）'),
      el('option', { value: 'system', selected: printer?.connection.kind === 'system' }, '系统打印机（USB 等）'),
    )
  );
  const c = printer?.connection;
  const host = input({ value: c?.kind === 'network' ? c.host : '', placeholder: '192.168.1.50', 'aria-label': 'IP 地址', size: 16 });
  const port = input({ type: 'number', min: 1, max: 65535, value: c?.kind === 'network' ? c.port : DEFAULT_PORT, 'aria-label': '端口' });
  const queue = input({ value: c?.kind === 'system' ? c.queue : '', placeholder: '系统打印设置里的名称', 'aria-label': '队列名', size: 20 });
  const network = el('div', {}, row('IP 地址', host), row('端口', port));
  const system = el('div', {}, row('队列名', queue));
  const showKind = () => {
    network.hidden = kind.value !== 'network';
    system.hidden = kind.value !== 'system';
  };
  kind.addEventListener('change', showKind);
  showKind();
  const paper = /** @type {HTMLSelectElement} */ (
    el('select', { 'aria-label': '纸宽' }, ...Object.entries(PAPERS).map(([value, label]) => el('option', { value, selected: (printer?.paper ?? 'mm80') === value }, label)))
  );
  const copies = input({ type: 'number', min: 1, max: 5, value: printer?.copies ?? 1, 'aria-label': '份数' });
  const chosen = new Set(printer?.categoryIds ?? []);
  const categoryBoxes = categories.map((cat) => /** @type {const} */ ([cat.categoryId, input({ type: 'checkbox', checked: chosen.has(cat.categoryId) }), cat.name]));
  const rules = printer?.rules ?? rulesFor(/** @type {PrinterRole} */ (role.value));
  const ruleBoxes = RULES.map(([key, label]) => /** @type {const} */ ([key, input({ type: 'checkbox', checked: rules[key] }), label]));
  // A new printer's rules follow its role until the owner ticks one by hand.
  let rulesTouched = printer !== null;
  for (const [, box] of ruleBoxes) box.addEventListener('change', () => (rulesTouched = true));
  role.addEventListener('change', () => {
    if (rulesTouched) return;
    const fresh = rulesFor(/** @type {PrinterRole} */ (role.value));
    for (const [key, box] of ruleBoxes) box.checked = fresh[key];
  });
  const live = devices.filter((d) => !d.revoked);
  const owner = /** @type {HTMLSelectElement} */ (
    el(
      'select',
      { 'aria-label': '由哪台设备打印' },
      ...live.map((d) => el('option', { value: d.deviceId, selected: d.deviceId === (printer?.deviceId ?? thisDevice) }, d.deviceId === thisDevice ? `本机（${d.name}）` : d.name)),
    )
  );

  const save = () => {
    /** @type {PrinterChange} */
    const change = {
      name: name.value.trim(),
      role: /** @type {PrinterRole} */ (role.value),
      connection: kind.value === 'network' ? { kind: 'network', host: host.value.trim(), port: Number(port.value) || DEFAULT_PORT } : { kind: 'system', queue: queue.value.trim() },
      paper: /** @type {import('../bindings/PaperWidth').PaperWidth} */ (paper.value),
      copies: Number(copies.value) || 1,
      categoryIds: categoryBoxes.filter(([, box]) => box.checked).map(([id]) => id),
      rules: /** @type {PrintRules} */ (Object.fromEntries(ruleBoxes.map(([key, box]) => [key, box.checked]))),
      deviceId: owner.value || null,
    };
    return submit(change);
  };
  return el(
    'form',
    { class: 'printer-form', onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), save()) },
    el('h3', {}, printer ? `编辑「${printer.name}」` : '添加打印机'),
    row('名称', name),
    row('用途', role),
    row('连接方式', kind),
    network,
    system,
    row('纸宽', paper),
    row('每张单打印份数', copies),
    el('fieldset', {}, el('legend', {}, '只打印这些分类的菜（都不勾：其他打印机没认领的分类）'), ...categoryBoxes.map(([, box, label]) => check(label, box))),
    el('fieldset', {}, el('legend', {}, '自动打印'), ...ruleBoxes.map(([, box, label]) => check(label, box))),
    row('由哪台设备打印', owner),
    el('p', { class: 'meta' }, '一台打印机只由一台设备打印，同一张单不会打两遍。'),
    el('div', { class: 'actions' }, el('button', { class: 'primary', type: 'submit' }, printer ? '保存' : '添加'), printer ? el('button', { class: 'small', type: 'button', onclick: cancel }, '取消编辑') : null),
  );
}

/**
 * @param {PrinterDTO} p @param {string} thisDevice @param {(p: PrinterDTO) => void} edit
 * @param {(work: () => Promise<unknown>, done: string) => Promise<void>} run
 */
function printerRow(p, thisDevice, edit, run) {
  return el(
    'tr',
    { 'data-printer': p.printerId, class: p.enabled ? '' : 'disabled' },
    el('td', {}, p.name),
    el('td', {}, ROLES[p.role]),
    el('td', {}, connectionText(p)),
    el('td', {}, PAPERS[p.paper]),
    el('td', {}, deviceText(p, thisDevice)),
    el('td', {}, p.enabled ? '启用' : '停用'),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'small', onclick: () => edit(p) }, '编辑'),
        el('button', { class: 'small', onclick: () => run(() => bridge.testPrint(p.printerId), `「${p.name}」测试页已发送`) }, '测试打印'),
        el('button', { class: 'small', onclick: () => run(() => bridge.changePrinter(p.printerId, { enabled: !p.enabled }), p.enabled ? `「${p.name}」已停用` : `「${p.name}」已启用`) }, p.enabled ? '停用' : '启用'),
        twoStep('删除', '确认删除', () => run(() => bridge.removePrinter(p.printerId), `「${p.name}」已删除`)),
      ),
    ),
  );
}

/**
 * Open 设置 → 打印机, editing `editing` (a printer id) if given.
 * @param {Toast} toast @param {number | null} [editing]
 */
export async function openPrinters(toast, editing = null) {
  /** @type {PrinterDTO[]} */
  let printers;
  /** @type {import('../bindings/StoreReport').StoreReport} */
  let report;
  try {
    [printers, report] = await Promise.all([bridge.printers(), bridge.storeReport()]);
  } catch (e) {
    toast(bridge.messageOf(e));
    return;
  }
  // The kitchen may not read the owner's menu: its form offers no categories, and the server
  // refuses its changes anyway.
  const categories = await bridge.menu().then((m) => m.categories, () => []);
  // Done: the list as it is now. Refused: the server's words, and the form keeps what was typed.
  const run = async (/** @type {() => Promise<unknown>} */ work, /** @type {string} */ done) => {
    try {
      await work();
      toast(done, false);
      await openPrinters(toast, null);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  const current = printers.find((p) => p.printerId === editing) ?? null;
  const submit = (/** @type {PrinterChange} */ change) =>
    current
      ? run(() => bridge.changePrinter(current.printerId, change), `「${change.name}」已保存`)
      : run(() => bridge.addPrinter(change), `「${change.name}」已添加，由所选设备打印`);
  const form = printerForm(current, report.devices, report.thisDevice, categories, submit, () => openPrinters(toast, null));
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog printers' },
      el('h2', {}, '打印机'),
      printers.length
        ? el(
            'table',
            { class: 'report' },
            el('tr', {}, ...['名称', '用途', '连接', '纸宽', '打印设备', '状态', ''].map((h) => el('th', {}, h))),
            ...printers.map((p) => printerRow(p, report.thisDevice, (x) => openPrinters(toast, x.printerId), run)),
          )
        : el('p', { class: 'empty' }, '还没有打印机：在下面添加一台'),
      form,
      el('div', { class: 'actions' }, el('button', { class: 'small', onclick: () => fill('dialog') }, '关闭')),
    ),
  );
}

/** @typedef {{printerId: number, name: string, online: boolean, paperOut: boolean, queued: number}} PrinterStatus */

/**
 * What the banner says of this device's printers that are off line or out of paper: one line
 * each, the tickets waiting for it counted (they print once it is back).
 * @param {import('../bindings/DeskView').DeskView} view @returns {string[]}
 */
export function printerProblems(view) {
  // `printers` joins the view with the print queue; a view without it has nothing to say.
  const printers = /** @type {{printers?: PrinterStatus[]}} */ (/** @type {unknown} */ (view)).printers ?? [];
  return printers
    .filter((p) => !p.online || p.paperOut)
    .map((p) => {
      const waiting = p.queued > 0 ? `，${p.queued} 张单等待打印` : '';
      return p.online ? `${p.name}缺纸${waiting}：请装上新纸卷` : `${p.name}离线${waiting}：请检查打印机电源和网线，恢复后自动补打`;
    });
}
