// The 「桌台」 view, for the owner: the store's tables by area, each renamed or moved in place,
// given a new QR link (its old code stops working) or removed (refused while occupied); a new
// table; and the printable A4 sheet of every code, saved as a PDF.

import * as bridge from './bridge.js';
import { el, fill, input, twoStep } from './dom.js';

/** @typedef {import('../bindings/StoreTablesDTO').StoreTablesDTO} StoreTablesDTO */
/** @typedef {import('../bindings/TableDTO').TableDTO} TableDTO */

/**
 * @param {TableDTO} t @param {(work: () => Promise<unknown>, done: string) => Promise<void>} run
 */
function tableRow(t, run) {
  const number = input({ value: t.number, 'aria-label': '桌号', size: 8 });
  const area = input({ value: t.area, 'aria-label': '区域', size: 6, list: 'areas' });
  const save = () => {
    /** @type {import('../bindings/TableChange').TableChange} */
    const change = {
      number: number.value.trim() === t.number ? null : number.value.trim(),
      area: area.value.trim() === t.area ? null : area.value.trim(),
    };
    return run(() => bridge.changeTable(t.tableId, change), `${t.number} 已保存`);
  };
  return el(
    'tr',
    { 'data-table': t.tableId, class: t.occupied ? 'occupied' : '' },
    el('td', {}, number),
    el('td', {}, area),
    el('td', { class: 'state' }, t.occupied ? '用餐中' : '空闲'),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'small', onclick: save }, '保存'),
        twoStep('换新二维码', '确认：旧码作废', () => run(() => bridge.newTableLink(t.tableId), `${t.number} 已换新二维码，请重新打印`)),
        twoStep('删除', '确认删除', () => run(() => bridge.removeTable(t.tableId), `${t.number} 已删除`)),
      ),
    ),
  );
}

/** @param {(text: string, bad?: boolean) => void} toast */
export async function openTables(toast) {
  /** @type {StoreTablesDTO} */
  let tables;
  try {
    tables = await bridge.tables();
  } catch (e) {
    toast(bridge.messageOf(e));
    return;
  }
  /** Do one change, say so, and show the tables as they are now. */
  const run = async (/** @type {() => Promise<unknown>} */ work, /** @type {string} */ done) => {
    try {
      await work();
      toast(done, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
    await openTables(toast);
  };
  const number = input({ placeholder: '桌号，如 A13', 'aria-label': '新桌号', size: 10 });
  const area = input({ placeholder: '区域（默认大厅）', 'aria-label': '新桌区域', size: 14, list: 'areas' });
  const add = () => run(() => bridge.addTable({ number: number.value.trim(), area: area.value.trim() || null }), `${number.value.trim()} 已添加`);
  const sheet = async () => {
    try {
      toast(`二维码已保存到 ${await bridge.saveQrSheet()}`, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog tables' },
      el('h2', {}, `桌台 · ${tables.storeName}`),
      el('datalist', { id: 'areas' }, ...tables.areas.map((a) => el('option', { value: a.name }))),
      ...tables.areas.flatMap((a) => [
        el('h3', {}, `${a.name}（${a.tables.length} 桌）`),
        el('table', { class: 'report' }, el('tr', {}, ...['桌号', '区域', '状态', ''].map((h) => el('th', {}, h))), ...a.tables.map((t) => tableRow(t, run))),
      ]),
      tables.areas.length ? null : el('p', { class: 'empty' }, '还没有桌台'),
      el('h3', {}, '添加桌台'),
      el('div', { class: 'add' }, number, area, el('button', { class: 'small', onclick: add }, '添加')),
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', onclick: sheet }, '保存二维码 PDF（A4 打印）'),
        el('button', { class: 'small', onclick: () => fill('dialog') }, '关闭'),
      ),
    ),
  );
}
