// The 「菜单」 view, for the owner: categories (add, rename, move up, remove once empty), each dish with its
// photo, name, description, price in yuan (sent as typed: the server checks it exactly), what a set meal holds,
// 估清 and back in one tap, a new photo, removal asked twice; a new dish or set meal; and the whole
// menu exported to a CSV file or imported from one.

import * as bridge from './bridge.js';
import { el, fill, input, twoStep } from './dom.js';

/** @typedef {import('../bindings/MenuDTO').MenuDTO} MenuDTO */
/** @typedef {import('../bindings/MenuCategoryDTO').MenuCategoryDTO} MenuCategoryDTO */
/** @typedef {import('../bindings/DishDTO').DishDTO} DishDTO */
/** @typedef {(work: () => Promise<unknown>, done: string) => Promise<void>} Run */

const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/**
 * The ids with the one at `index` moved one place up.
 * @param {number[]} ids @param {number} index
 */
function movedUp(ids, index) {
  const next = [...ids];
  [next[index - 1], next[index]] = [next[index], next[index - 1]];
  return next;
}

/**
 * @param {DishDTO} d @param {string} serverUrl @param {Run} run @param {(() => Promise<void>) | null} up moves it one place up
 */
function dishRow(d, serverUrl, run, up) {
  const name = input({ value: d.cuisineName, 'aria-label': '菜名', size: 10 });
  const price = input({ value: d.unitPrice.toFixed(2), 'aria-label': '价格（元）', size: 6, inputmode: 'decimal' });
  const about = input({ value: d.description ?? '', placeholder: '描述（可空）', 'aria-label': '描述', size: 16, class: 'about' });
  // An empty description removes it.
  const change = () => ({ cuisineName: name.value.trim(), unitPrice: price.value.trim(), description: about.value.trim() });
  const save = () => run(() => bridge.changeDish(d.cuisineId, change()), `「${name.value.trim()}」已保存`);
  const photo = input({ type: 'file', accept: PHOTO_TYPES.join(','), 'aria-label': `${d.cuisineName}的照片`, class: 'chosen-file' });
  photo.addEventListener('change', () => {
    const file = photo.files?.[0];
    if (!file) return;
    void run(async () => {
      const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
      return bridge.setDishPhoto(d.cuisineId, file.type, bytes);
    }, `「${d.cuisineName}」的照片已更新`);
  });
  const contents = d.setItems.length ? el('div', { class: 'meta' }, `含：${d.setItems.map((s) => `${s.cuisineName}×${s.quantity}`).join('、')}`) : null;
  return el(
    'tr',
    { 'data-dish': d.cuisineId, class: d.soldOut ? 'sold-out' : '' },
    el('td', { class: 'thumb' }, d.thumbnail ? el('img', { src: `${serverUrl}${d.thumbnail}`, alt: d.cuisineName }) : el('span', { class: 'no-photo' }, '无图')),
    el('td', {}, name, el('span', { class: 'kind' }, d.cuisineType === 2 ? '套餐' : '单品'), about, contents),
    el('td', {}, price),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'actions' },
        d.soldOut
          ? el('button', { class: 'small restock', onclick: () => run(() => bridge.setSoldOut(d.cuisineId, false), `「${d.cuisineName}」已恢复供应`) }, '已估清 · 恢复')
          : el('button', { class: 'small sell-out', onclick: () => run(() => bridge.setSoldOut(d.cuisineId, true), `「${d.cuisineName}」已估清`) }, '估清'),
        el('button', { class: 'small', onclick: save }, '保存'),
        el('label', { class: 'small button' }, '换照片', photo),
        up ? el('button', { class: 'small', title: '上移', 'aria-label': `上移${d.cuisineName}`, onclick: up }, '↑') : null,
        twoStep('删除', '确认删除', () => run(() => bridge.removeDish(d.cuisineId), `「${d.cuisineName}」已删除`)),
      ),
    ),
  );
}

/**
 * A new dish or set meal in `category`; a set meal picks from the menu's single dishes.
 * @param {MenuCategoryDTO} category @param {DishDTO[]} singles @param {Run} run
 */
function newDish(category, singles, run) {
  const name = input({ placeholder: '菜名', 'aria-label': `${category.name}新菜名`, size: 10 });
  const price = input({ placeholder: '价格（元）', 'aria-label': `${category.name}新菜价格`, size: 7, inputmode: 'decimal' });
  const about = input({ placeholder: '描述（可空）', 'aria-label': `${category.name}新菜描述`, size: 12 });
  const kind = /** @type {HTMLSelectElement} */ (
    el('select', { 'aria-label': `${category.name}新菜类型` }, el('option', { value: '1' }, '单品'), el('option', { value: '2' }, '套餐'))
  );
  const holds = /** @type {HTMLSelectElement} */ (
    el('select', { multiple: true, 'aria-label': `${category.name}套餐内容`, hidden: true }, ...singles.map((s) => el('option', { value: s.cuisineId }, s.cuisineName)))
  );
  kind.addEventListener('change', () => (holds.hidden = kind.value !== '2'));
  const add = () => {
    const set = kind.value === '2';
    const picked = [...holds.selectedOptions].map((o) => ({ cuisineId: Number(o.value), quantity: 1 }));
    return run(
      () =>
        bridge.addDish({
          categoryId: category.categoryId,
          cuisineName: name.value.trim(),
          cuisineType: set ? 2 : 1,
          unitPrice: price.value.trim(),
          description: about.value.trim() || null,
          setItems: set ? picked : null,
        }),
      `「${name.value.trim()}」已添加`,
    );
  };
  return el('div', { class: 'add' }, name, price, about, kind, holds, el('button', { class: 'small', onclick: add }, '添加菜品'));
}

/**
 * @param {MenuCategoryDTO} c @param {DishDTO[]} singles @param {string} serverUrl @param {Run} run
 * @param {(() => Promise<void>) | null} up moves the category one place up
 */
function category(c, singles, serverUrl, run, up) {
  const name = input({ value: c.name, 'aria-label': '分类名称', size: 8 });
  const ids = c.dishes.map((d) => d.cuisineId);
  const dishUp = (/** @type {number} */ i) => (i === 0 ? null : () => run(() => bridge.reorderDishes(c.categoryId, movedUp(ids, i)), `「${c.dishes[i].cuisineName}」已上移`));
  return el(
    'section',
    { class: 'category', 'data-category': c.categoryId },
    el(
      'div',
      { class: 'category-head' },
      name,
      el('button', { class: 'small', onclick: () => run(() => bridge.renameCategory(c.categoryId, name.value.trim()), `分类已改为「${name.value.trim()}」`) }, '改名'),
      twoStep('删除分类', '确认删除分类', () => run(() => bridge.removeCategory(c.categoryId), `分类「${c.name}」已删除`)),
      up ? el('button', { class: 'small', 'aria-label': `上移分类${c.name}`, onclick: up }, '↑ 上移分类') : null,
    ),
    c.dishes.length
      ? el('table', { class: 'report dishes' }, ...c.dishes.map((d, i) => dishRow(d, serverUrl, run, dishUp(i))))
      : el('p', { class: 'empty' }, '这个分类还没有菜'),
    newDish(c, singles, run),
  );
}

/**
 * The whole menu to a CSV file, or from a CSV or JSON file (asked once more: the file replaces
 * the menu, and a file with any wrong row changes nothing).
 * @param {Run} run @param {(text: string, bad?: boolean) => void} toast
 */
function fileTransfer(run, toast) {
  const save = async () => {
    try {
      toast(`菜单已导出到 ${await bridge.exportMenu()}`, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };
  const file = input({ type: 'file', accept: '.csv,.json,text/csv,application/json', 'aria-label': '导入菜单文件', class: 'chosen-file' });
  const confirm = el('span', {});
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const type = chosen.name.toLowerCase().endsWith('.json') ? 'application/json' : 'text/csv';
    const go = async () => Array.from(new Uint8Array(await chosen.arrayBuffer()));
    confirm.replaceChildren(
      el('button', { class: 'small danger', onclick: () => run(async () => bridge.importMenu(type, await go()), `已从「${chosen.name}」导入菜单`) }, `确认导入「${chosen.name}」（替换整份菜单）`),
    );
  });
  return el(
    'div',
    { class: 'add transfer' },
    el('button', { class: 'small', onclick: save }, '导出菜单（CSV）'),
    el('label', { class: 'small button' }, '导入菜单…', file),
    confirm,
  );
}

/**
 * @param {string} serverUrl where photos are served from
 * @param {(text: string, bad?: boolean) => void} toast
 */
export async function openMenu(serverUrl, toast) {
  /** @type {MenuDTO} */
  let menu;
  try {
    menu = await bridge.menu();
  } catch (e) {
    toast(bridge.messageOf(e));
    return;
  }
  /** @type {Run} */
  const run = async (work, done) => {
    try {
      await work();
      toast(done, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
    await openMenu(serverUrl, toast);
  };
  const singles = menu.categories.flatMap((c) => c.dishes).filter((d) => d.cuisineType === 1);
  const categoryIds = menu.categories.map((c) => c.categoryId);
  const transfer = fileTransfer(run, toast);
  const newCategory = input({ placeholder: '新分类，如 凉菜', 'aria-label': '新分类名称', size: 12 });
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog menu' },
      el('h2', {}, `菜单 · ${menu.storeName}`),
      ...menu.categories.map((c, i) => category(c, singles, serverUrl, run, i === 0 ? null : () => run(() => bridge.reorderCategories(movedUp(categoryIds, i)), `分类「${c.name}」已上移`))),
      menu.categories.length ? null : el('p', { class: 'empty' }, '还没有分类：先添加一个分类'),
      el(
        'div',
        { class: 'add' },
        newCategory,
        el('button', { class: 'small', onclick: () => run(() => bridge.addCategory(newCategory.value.trim()), `分类「${newCategory.value.trim()}」已添加`) }, '添加分类'),
      ),
      transfer,
      el('div', { class: 'actions' }, el('button', { class: 'small', onclick: () => fill('dialog') }, '关闭')),
    ),
  );
}
