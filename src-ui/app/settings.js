// The settings dialog: repeat intervals (orders, lost connection), volume, mute, quiet hours, the kitchen's colour minutes,
// start at login, the test sound, the printers (设置 → 打印机), and unpairing.

import * as bridge from './bridge.js';
import { clock, minutes } from './board.js';
import { check, el, fill, input, row } from './dom.js';
import { openPrinters } from './printers.js';

/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/Settings').Settings} Settings */

/**
 * @param {DeskView} view
 * @param {(text: string, bad?: boolean) => void} toast
 */
export function openSettings(view, toast) {
  const s = view.settings;
  const repeat = input({ type: 'number', min: 5, max: 600, value: s.repeatSecs });
  const lostRepeat = input({ type: 'number', min: 10, max: 1800, value: s.lostRepeatSecs });
  const volume = input({ type: 'range', min: 0, max: 100, value: Math.round(s.volume * 100) });
  const muted = input({ type: 'checkbox', checked: s.muted });
  const quiet = input({ type: 'checkbox', checked: s.quietHours !== null });
  const from = input({ type: 'time', 'aria-label': '免打扰开始', value: clock(s.quietHours?.startMin ?? 22 * 60) });
  const to = input({ type: 'time', 'aria-label': '免打扰结束', value: clock(s.quietHours?.endMin ?? 7 * 60) });
  // Times only while quiet hours are on: shown while off, they would read as if in force.
  const times = el('div', { class: 'row times', hidden: !quiet.checked }, el('span', {}, '每天'), el('span', {}, from, ' 至 ', to));
  quiet.addEventListener('change', () => (times.hidden = !quiet.checked));
  const volumeText = () => `音量 ${volume.value}%`;
  const volumeLabel = el('span', {}, volumeText());
  volume.addEventListener('input', () => (volumeLabel.textContent = volumeText()));
  const yellow = input({ type: 'number', min: 1, max: 120, value: s.kitchenYellowMins });
  const red = input({ type: 'number', min: 1, max: 240, value: s.kitchenRedMins });
  const login = input({ type: 'checkbox', checked: s.startAtLogin });
  const close = () => fill('dialog');

  const save = async () => {
    const start = minutes(from.value);
    const end = minutes(to.value);
    /** @type {Settings} */
    const next = {
      repeatSecs: Number(repeat.value) || 20,
      lostRepeatSecs: Number(lostRepeat.value) || 60,
      volume: Number(volume.value) / 100,
      muted: muted.checked,
      quietHours: quiet.checked && start !== null && end !== null ? { startMin: start, endMin: end } : null,
      kitchenYellowMins: Number(yellow.value) || 5,
      kitchenRedMins: Number(red.value) || 8,
      startAtLogin: login.checked,
    };
    try {
      await bridge.saveSettings(next);
      toast('设置已保存', false);
      close();
    } catch (e) {
      toast(bridge.messageOf(e));
    }
  };

  const unpair = async () => {
    if (!confirm('解除配对后将不再收到这家店的提醒。确定吗？')) return;
    await bridge.unpair().catch((e) => toast(bridge.messageOf(e)));
    location.reload();
  };

  fill(
    'dialog',
    el(
      'div',
      { class: 'dialog' },
      el('h2', {}, '设置'),
      row('未接单时每隔（秒）重复播报', repeat),
      row('断线时每隔（秒）重复警报', lostRepeat),
      el('label', { class: 'row' }, volumeLabel, volume),
      check('静音（仍显示通知）', muted),
      check('免打扰时段', quiet),
      times,
      row('后厨：变黄（分钟）', yellow),
      row('后厨：变红（分钟）', red),
      check('开机自动启动', login),
      el('p', { class: 'meta' }, `服务器：${view.serverUrl} · 门店 ${view.storeId}`),
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', onclick: save }, '保存'),
        el('button', { class: 'small', onclick: () => bridge.testSound() }, '测试声音'),
        el('button', { class: 'small', onclick: () => openPrinters(toast) }, '打印机'),
        el('button', { class: 'small', onclick: close }, '取消'),
        el('button', { class: 'small danger', onclick: unpair }, '解除配对'),
      ),
    ),
  );
}
