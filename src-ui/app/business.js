// 营业: what customers meet, how they order (先付后吃 or 先吃后付) and whether the store takes orders. On the top bar, the state the
// server reports (营业中 / 已打烊 / 暂停接单) and the one-tap controls, so the counter can pause
// while busy without opening anything; the 「营业」 view (the state is its button) for the
// owner: store name, announcement, logo, and the business hours as periods with weekdays. The
// server decides the state from all of that; a refusal (a counter's device: role_not_allowed,
// a bad period) is shown in its own words.

import * as bridge from './bridge.js';
import { el, fill, input } from './dom.js';
import { when } from './store.js';

/** @typedef {import('../bindings/StoreDTO').StoreDTO} StoreDTO */
/** @typedef {import('../bindings/StoreSettingsPatch').StoreSettingsPatch} StoreSettingsPatch */
/** @typedef {import('../bindings/HoursPeriod').HoursPeriod} HoursPeriod */
/** A change sent to the server and, once taken, said in `done`. @typedef {(patch: StoreSettingsPatch, done: string) => Promise<void>} Change */

const STATES = { open: '营业中', closed: '已打烊', paused: '暂停接单' };
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
const LOGO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
/** The two ways a store takes dine-in orders, and what each means at the table. */
const MODES = [
  { mode: 'pay_first', name: '先付后吃', meaning: '顾客下单后在线支付，付款后厨房才收到订单' },
  { mode: 'pay_later', name: '先吃后付', meaning: '顾客下单即送厨房，可多次加菜，用餐后在手机上或前台一起结账' },
];

/** @param {StoreDTO} store */
function stateText(store) {
  return STATES[store.state];
}

/**
 * Why the store is in its state, in a line: the hours, or the owner's hand and until when.
 * @param {StoreDTO} store
 */
function stateReason(store) {
  const hours = store.hoursText ? `营业时间 ${store.hoursText}` : '全天营业';
  if (!store.manual) return hours;
  const hand = store.manual.open ? '手动营业' : '手动打烊';
  return store.manual.until === null ? `${hand}，直到改回按营业时间` : `${hand}，至 ${when(store.manual.until)} 恢复按营业时间`;
}

/**
 * The one-tap controls: 暂停接单 or 恢复接单; 立即打烊 or 立即营业; 按营业时间 once opened or
 * closed by hand.
 * @param {StoreDTO} store @param {Change} change @returns {HTMLElement[]}
 */
function quickControls(store, change) {
  const button = (/** @type {string} */ text, /** @type {StoreSettingsPatch} */ patch, /** @type {string} */ done) =>
    el('button', { class: 'small quick', onclick: () => change(patch, done) }, text);
  return [
    store.paused
      ? button('恢复接单', { paused: false }, '已恢复接单')
      : button('暂停接单', { paused: true }, '已暂停接单：顾客页面显示暂停接单，购物车保留'),
    store.state === 'closed'
      ? button('立即营业', { manual: 'open' }, '已开始营业')
      : button('立即打烊', { manual: 'closed' }, '已打烊：顾客页面显示已打烊，购物车保留'),
    ...(store.manual ? [button('按营业时间', { manual: 'auto' }, '已改回按营业时间')] : []),
  ];
}

/**
 * The top bar's part: the state (its button opens the 「营业」 view) and the one-tap controls.
 * @param {StoreDTO} store @param {Change} change @param {() => void} open
 */
export function businessBar(store, change, open) {
  return el(
    'span',
    { class: 'business-bar' },
    el('button', { id: 'store-state', class: `pill state ${store.state}`, title: stateReason(store), onclick: open }, stateText(store)),
    ...quickControls(store, change),
  );
}

/**
 * One period of the hours: open, close, the weekdays (none ticked: every day), and its removal.
 * @param {HoursPeriod} p
 */
function periodRow(p) {
  const open = input({ value: p.open, placeholder: '10:00', 'aria-label': '开始', size: 5, class: 'open', inputmode: 'numeric' });
  const close = input({ value: p.close, placeholder: '22:00', 'aria-label': '结束', size: 5, class: 'close', inputmode: 'numeric' });
  const days = WEEKDAYS.map((name, i) =>
    el('label', { class: 'day' }, input({ type: 'checkbox', value: i + 1, checked: (p.days ?? []).includes(i + 1), 'aria-label': `周${name}` }), name),
  );
  const row = el('div', { class: 'period' }, open, '–', close, el('span', { class: 'days' }, '周', ...days));
  row.append(el('button', { class: 'small', onclick: () => row.remove() }, '删除'));
  return row;
}

/** The periods as typed, in order. @param {HTMLElement} list @returns {HoursPeriod[]} */
function periodsOf(list) {
  return [...list.querySelectorAll('.period')].map((row) => ({
    open: /** @type {HTMLInputElement} */ (row.querySelector('.open')).value.trim(),
    close: /** @type {HTMLInputElement} */ (row.querySelector('.close')).value.trim(),
    days: [...row.querySelectorAll('input[type="checkbox"]:checked')].map((box) => Number(/** @type {HTMLInputElement} */ (box).value)),
  }));
}

/**
 * The logo as the page shows it, with a new one chosen from a file or the old one removed.
 * @param {StoreDTO} store @param {string} serverUrl
 * @param {(work: () => Promise<StoreDTO>, done: string) => Promise<void>} logoChange
 */
function logoPart(store, serverUrl, logoChange) {
  const file = input({ type: 'file', accept: LOGO_TYPES.join(','), 'aria-label': '店铺标志图片', class: 'chosen-file' });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    void logoChange(async () => bridge.setLogo(chosen.type, Array.from(new Uint8Array(await chosen.arrayBuffer()))), '标志已更新');
  });
  return [
    store.logoThumbnail ? el('img', { src: `${serverUrl}${store.logoThumbnail}`, alt: '店铺标志' }) : el('span', { class: 'no-photo' }, '无标志'),
    el('label', { class: 'small button' }, store.logo ? '换标志' : '上传标志', file),
    store.logo ? el('button', { class: 'small', onclick: () => logoChange(() => bridge.removeLogo(), '标志已去掉') }, '去掉标志') : null,
  ].filter((n) => n !== null);
}

/**
 * 点餐方式: one tap switches it. Tables already seated keep the way they started with.
 * @param {StoreDTO} store @param {Change} change
 */
function modeChoice(store, change) {
  return MODES.map(({ mode, name, meaning }) => {
    const chosen = store.orderingMode === mode;
    const radio = input({ type: 'radio', name: 'ordering-mode', value: mode, checked: chosen, 'aria-label': name });
    radio.addEventListener('change', () =>
      change({ orderingMode: /** @type {StoreDTO['orderingMode']} */ (mode) }, `点餐方式已改为${name}：新入座的桌台按${name}点餐`),
    );
    return el('label', { class: `mode${chosen ? ' chosen' : ''}` }, radio, el('b', {}, name), el('span', { class: 'meta' }, meaning));
  });
}

/**
 * The 「营业」 view. What is typed stays while the state or the logo changes: the answer is a
 * function that shows the store as it now is (a no-op once the view is closed).
 * @param {StoreDTO} store @param {string} serverUrl where the logo is served from
 * @param {Change} change @param {(text: string, bad?: boolean) => void} toast
 * @param {(store: StoreDTO) => void} changed the store as the server now has it (a new logo)
 * @returns {(store: StoreDTO) => void}
 */
export function openBusiness(store, serverUrl, change, toast, changed) {
  const name = input({ value: store.name, 'aria-label': '店名', size: 16, maxlength: 30 });
  const note = input({ value: store.announcement ?? '', placeholder: '顾客页面菜单上方的一行，如 今日宫保鸡丁 8 折（可空）', 'aria-label': '公告', size: 46, maxlength: 100 });
  const list = el('div', { class: 'periods' }, ...store.hours.map(periodRow));
  const add = () => list.append(periodRow({ open: '', close: '' }));
  // An empty announcement removes it; no periods: open around the clock.
  const save = () => change({ name: name.value.trim(), announcement: note.value.trim(), hours: periodsOf(list) }, '营业设置已保存');
  /** @param {() => Promise<StoreDTO>} work @param {string} done */
  const logoChange = async (work, done) => {
    try {
      changed(await work());
      toast(done, false);
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };

  const head = el('h2');
  const now = el('div', { class: 'now' });
  const quick = el('div', { class: 'actions' });
  const logo = el('div', { class: 'logo' });
  const modes = el('div', { class: 'modes' });
  const show = (/** @type {StoreDTO} */ s) => {
    head.textContent = `营业 · ${s.name}`;
    now.replaceChildren(el('span', { class: `pill state ${s.state}` }, stateText(s)), el('span', { class: 'reason' }, stateReason(s)));
    quick.replaceChildren(...quickControls(s, change));
    logo.replaceChildren(...logoPart(s, serverUrl, logoChange));
    modes.replaceChildren(...modeChoice(s, change));
  };
  show(store);
  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog business' },
      head,
      now,
      quick,
      el('h3', {}, '点餐方式'),
      modes,
      el('h3', {}, '店铺'),
      logo,
      el('label', { class: 'row' }, el('span', {}, '店名'), name),
      el('label', { class: 'row' }, el('span', {}, '公告'), note),
      el('h3', {}, '营业时间'),
      el('p', { class: 'meta' }, '24 小时制，如 10:00–14:00。结束早于开始即跨过午夜（17:00–02:00）；不勾星期即每天；没有时段即全天营业。营业时间外顾客页面显示已打烊，不能下单。'),
      list,
      el('button', { class: 'small', onclick: add }, '添加时段'),
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', onclick: save }, '保存'),
        el('button', { class: 'small', onclick: () => fill('dialog') }, '关闭'),
      ),
    ),
  );
  return (s) => {
    if (head.isConnected) show(s);
  };
}
