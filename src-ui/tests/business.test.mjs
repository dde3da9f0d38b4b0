// 营业 in Chromium: the store's state on the counter's top bar with the one-tap 暂停接单 /
// 恢复接单, 立即打烊 / 立即营业 / 按营业时间 (a counter's device refused in the server's words; the
// kitchen sees none of it), read again each minute; and the 「营业」 view: name, announcement,
// hours as periods with weekdays added and removed, the logo. Screenshots are kept
// (ORDERBELL_UI_BAR_SHOT, default /tmp/orderbell-ui-bar.png; ORDERBELL_UI_BUSINESS_SHOT, default
// /tmp/orderbell-ui-business.png) for a person to see.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, store, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);
/** What `change_store` answers from now on. */
const answer = (page, next) => page.evaluate((s) => { window.__answers.change_store = s; }, next);
const bar = (page) => page.locator('header.status');

test('the counter pauses in one tap from the top bar, resumes, closes now and goes back to the hours', async () => {
  const now = Date.now();
  const orders = [order(1, 'A01', 'paid', 1, now), order(2, 'A05', 'accepted', 6, now)];
  const page = await chromium.open(view(now, { orders, unhandled: 12 }), { answers: { store: store() } });
  await page.locator('#store-state').waitFor();
  assert.equal(await page.locator('#store-state').textContent(), '营业中');
  assert.equal(await page.locator('#store-state').getAttribute('title'), '营业时间 周一至周五 11:00–14:00；每天 17:00–02:00');

  await answer(page, store({ paused: true, state: 'paused' }));
  await bar(page).getByRole('button', { name: '暂停接单' }).click();
  await page.getByText('已暂停接单：顾客页面显示暂停接单，购物车保留').waitFor();
  assert.equal(await page.locator('#store-state').textContent(), '暂停接单');

  await answer(page, store());
  await bar(page).getByRole('button', { name: '恢复接单' }).click();
  await page.locator('#store-state.open').waitFor();

  const until = now + 3 * 3600_000;
  await answer(page, store({ manual: { open: false, until }, state: 'closed' }));
  await bar(page).getByRole('button', { name: '立即打烊' }).click();
  await page.locator('#store-state.closed').waitFor();
  assert.equal(await page.locator('#store-state').textContent(), '已打烊');
  assert.match(await page.locator('#store-state').getAttribute('title'), /^手动打烊，至 \d+月\d+日 \d\d:\d\d 恢复按营业时间$/);
  assert.equal(await bar(page).getByRole('button', { name: '立即营业' }).count(), 1);
  // The most the bar holds, in the app's own window size.
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.screenshot({ path: process.env.ORDERBELL_UI_BAR_SHOT ?? '/tmp/orderbell-ui-bar.png' });

  await answer(page, store());
  await bar(page).getByRole('button', { name: '按营业时间' }).click();
  await page.locator('#store-state.open').waitFor();
  assert.equal(await bar(page).getByRole('button', { name: '按营业时间' }).count(), 0, 'only while opened or closed by hand');
  assert.deepEqual((await calls(page, 'change_store')).map((c) => c.patch), [
    { paused: true }, { paused: false }, { manual: 'closed' }, { manual: 'auto' },
  ]);
  await page.close();
});

test('a counter\'s device is refused in the server\'s words and the state stays; the kitchen sees none of it', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { store: store() } });
  await page.locator('#store-state').waitFor();
  await page.evaluate(() => {
    window.__failNext = { code: 'role_not_allowed', message: '只有店主或店长的设备可以设置门店（菜单、桌台、设备、营业设置）' };
  });
  await bar(page).getByRole('button', { name: '暂停接单' }).click();
  await page.getByText('只有店主或店长的设备可以设置门店（菜单、桌台、设备、营业设置）').waitFor();
  assert.equal(await page.locator('#store-state').textContent(), '营业中');
  await page.close();

  const kitchen = await chromium.open(view(now, { role: 'kitchen' }), { answers: { store: store() } });
  await kitchen.getByRole('button', { name: '店铺' }).waitFor();
  assert.equal(await kitchen.locator('#store-state').count(), 0);
  assert.equal(await kitchen.getByRole('button', { name: '暂停接单' }).count(), 0);
  assert.deepEqual(await calls(kitchen, 'store'), [], 'the kitchen does not even ask');
  await kitchen.close();
});

test('the state is read again each minute: the hours turning or another device shows on the bar', async () => {
  const now = Date.UTC(2026, 10, 22, 13, 59, 30);
  const page = await chromium.open(view(now), { clock: now, answers: { store: store() } });
  await page.locator('#store-state.open').waitFor();
  await page.evaluate((s) => { window.__answers.store = s; }, store({ state: 'closed' }));
  await page.clock.runFor(60_000);
  await page.locator('#store-state.closed').waitFor();
  await page.close();
});

test('the owner names the store, changes the announcement and the hours, and gives it a logo', async () => {
  const now = Date.now();
  const withLogo = store({ logo: '/media/ab.png', logoThumbnail: '/media/ab.thumb.jpg' });
  const page = await chromium.open(view(now), { answers: { store: store(), change_store: store(), set_logo: withLogo, remove_logo: store() } });
  await page.locator('#store-state').click();
  const dialog = page.locator('.dialog.business');
  await dialog.waitFor();
  assert.equal(await dialog.locator('h2').textContent(), '营业 · 铃声小馆');
  assert.equal(await dialog.locator('.reason').textContent(), '营业时间 周一至周五 11:00–14:00；每天 17:00–02:00');
  assert.equal(await dialog.getByRole('textbox', { name: '公告' }).inputValue(), '今日宫保鸡丁 8 折');
  const periods = dialog.locator('.period');
  assert.equal(await periods.count(), 2);
  assert.equal(await periods.nth(0).getByRole('checkbox', { name: '周五' }).isChecked(), true);
  assert.equal(await periods.nth(0).getByRole('checkbox', { name: '周六' }).isChecked(), false);
  assert.equal(await periods.nth(1).getByRole('checkbox', { name: '周一' }).isChecked(), false, 'every day: none ticked');

  await dialog.getByRole('textbox', { name: '店名' }).fill('铃声小馆·二店');
  await dialog.getByRole('textbox', { name: '公告' }).fill('');
  await dialog.getByRole('button', { name: '添加时段' }).click();
  await periods.nth(2).getByRole('textbox', { name: '开始' }).fill('09:00');
  await periods.nth(2).getByRole('textbox', { name: '结束' }).fill('10:30');
  await periods.nth(2).getByRole('checkbox', { name: '周六' }).check();
  await periods.nth(2).getByRole('checkbox', { name: '周日' }).check();
  await periods.nth(0).getByRole('button', { name: '删除' }).click();
  await page.screenshot({ path: process.env.ORDERBELL_UI_BUSINESS_SHOT ?? '/tmp/orderbell-ui-business.png' });
  await dialog.getByRole('button', { name: '保存' }).click();
  await page.getByText('营业设置已保存').waitFor();
  assert.deepEqual((await calls(page, 'change_store')).map((c) => c.patch), [{
    name: '铃声小馆·二店',
    announcement: '',
    hours: [{ open: '17:00', close: '02:00', days: [] }, { open: '09:00', close: '10:30', days: [6, 7] }],
  }]);

  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await dialog.locator('input[aria-label="店铺标志图片"]').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
  await page.getByText('标志已更新').waitFor();
  assert.deepEqual(await calls(page, 'set_logo'), [{ contentType: 'image/png', bytes: [...png] }]);
  assert.equal(await dialog.locator('.logo img').getAttribute('src'), 'http://127.0.0.1:8080/media/ab.thumb.jpg');
  await dialog.getByRole('button', { name: '去掉标志' }).click();
  await page.getByText('标志已去掉').waitFor();
  assert.equal(await dialog.locator('.logo img').count(), 0);
  await page.close();
});

test('the owner switches the store to 先吃后付 in one tap, and back; what was typed stays', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { store: store(), change_store: store({ orderingMode: 'pay_later' }) } });
  await page.locator('#store-state').click();
  const dialog = page.locator('.dialog.business');
  await dialog.waitFor();
  assert.equal(await dialog.getByRole('radio', { name: '先付后吃' }).isChecked(), true);
  assert.equal(await dialog.getByRole('radio', { name: '先吃后付' }).isChecked(), false);
  await dialog.getByRole('textbox', { name: '公告' }).fill('今晚有现场音乐');
  await dialog.getByRole('radio', { name: '先吃后付' }).check();
  await page.getByText('点餐方式已改为先吃后付：新入座的桌台按先吃后付点餐').waitFor();
  await dialog.locator('label.mode.chosen', { hasText: '先吃后付' }).waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: '公告' }).inputValue(), '今晚有现场音乐');

  await answer(page, store());
  await dialog.getByRole('radio', { name: '先付后吃' }).check();
  await page.getByText('点餐方式已改为先付后吃：新入座的桌台按先付后吃点餐').waitFor();
  await dialog.locator('label.mode.chosen', { hasText: '先付后吃' }).waitFor();
  assert.deepEqual((await calls(page, 'change_store')).map((c) => c.patch), [{ orderingMode: 'pay_later' }, { orderingMode: 'pay_first' }]);
  await page.close();
});

test('a refused period is said in the server\'s words and what was typed stays', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { store: store() } });
  await page.locator('#store-state').click();
  const dialog = page.locator('.dialog.business');
  await dialog.locator('.period').nth(1).getByRole('textbox', { name: '结束' }).fill('7pm');
  await page.evaluate(() => {
    window.__failNext = { code: 'invalid_hours', message: '第 2 段营业时间的结束时间须写成 22:00 这样的 24 小时制时间' };
  });
  await dialog.getByRole('button', { name: '保存' }).click();
  await page.getByText('第 2 段营业时间的结束时间须写成 22:00 这样的 24 小时制时间').waitFor();
  assert.equal(await dialog.locator('.period').nth(1).getByRole('textbox', { name: '结束' }).inputValue(), '7pm');
  // A one-tap control meanwhile changes the state shown, not what is typed.
  await page.evaluate((s) => { window.__answers.change_store = s; }, store({ paused: true, state: 'paused' }));
  await dialog.getByRole('button', { name: '暂停接单' }).click();
  await dialog.locator('.now .pill.paused').waitFor();
  assert.equal(await dialog.locator('.period').nth(1).getByRole('textbox', { name: '结束' }).inputValue(), '7pm');
  await page.close();
});
