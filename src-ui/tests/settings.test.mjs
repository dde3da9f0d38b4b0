// The settings dialog in Chromium: checkboxes a finger can hit beside their words, quiet-hours
// times only while quiet hours are on, and the volume's number. A screenshot of the dialog is
// kept (ORDERBELL_UI_SETTINGS_SHOT, default /tmp/orderbell-ui-settings.png) for a person to see.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const saved = (page) => page.evaluate(() => window.__calls.filter(([c]) => c === 'save_settings').map(([, a]) => a.settings));

/** The window with `settings` (over the fixture's), its settings dialog open. */
async function dialog(settings = {}) {
  const now = Date.now();
  const initial = view(now);
  const page = await chromium.open({ ...initial, settings: { ...initial.settings, ...settings } });
  await page.getByRole('button', { name: '设置' }).click();
  await page.locator('.dialog').waitFor();
  return page;
}

test('each checkbox is large and sits right beside its words', async () => {
  const page = await dialog();
  await page.screenshot({ path: process.env.ORDERBELL_UI_SETTINGS_SHOT ?? '/tmp/orderbell-ui-settings.png' });
  for (const name of ['静音（仍显示通知）', '免打扰时段', '开机自动启动']) {
    const box = await page.getByRole('checkbox', { name }).boundingBox();
    const words = await page.locator('.dialog label', { hasText: name }).locator('span').first().boundingBox();
    assert.ok(box && words, name);
    assert.ok(box.width >= 20 && box.height >= 20, `${name}: the checkbox is ${box.width}×${box.height} px`);
    const gap = Math.max(words.x - (box.x + box.width), box.x - (words.x + words.width));
    assert.ok(gap <= 24, `${name}: ${gap} px between the checkbox and its words`);
  }
  await page.close();
});

test('quiet-hours times show only while quiet hours are on, and off saves none', async () => {
  const page = await dialog();
  const from = page.getByLabel('免打扰开始');
  assert.equal(await from.isVisible(), false, 'quiet hours are off: no times shown as if set');
  await page.getByRole('checkbox', { name: '免打扰时段' }).check();
  assert.equal(await from.isVisible(), true);
  assert.equal(await from.inputValue(), '22:00');
  await page.getByRole('checkbox', { name: '免打扰时段' }).uncheck();
  assert.equal(await from.isVisible(), false);
  await page.getByRole('button', { name: '保存' }).click();
  assert.equal((await saved(page))[0].quietHours, null);
  await page.close();

  const set = await dialog({ quietHours: { startMin: 23 * 60, endMin: 6 * 60 + 30 } });
  assert.equal(await set.getByLabel('免打扰开始').inputValue(), '23:00');
  assert.equal(await set.getByLabel('免打扰结束').inputValue(), '06:30');
  await set.close();
});

test('the volume slider says its number', async () => {
  const page = await dialog();
  await page.getByText('音量 80%').waitFor();
  await page.getByRole('slider', { name: /音量/ }).fill('70');
  await page.getByText('音量 70%').waitFor();
  await page.getByRole('button', { name: '保存' }).click();
  assert.equal((await saved(page))[0].volume, 0.7);
  await page.close();
});
