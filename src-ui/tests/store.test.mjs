// The 「店铺」 panel in Chromium: devices with 本机 marked, the unheard record with today's total,
// and the owner's 「无人响应时」 choice saved (read-only in the kitchen). A screenshot of the panel
// is kept (ORDERBELL_UI_STORE_SHOT, default /tmp/orderbell-ui-store.png) for a person to see.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const MIN = 60_000;

/** What `store_report` answers: this desk and the kitchen's tablet, two unheard stretches. */
function report(now, overrides = {}) {
  return {
    devices: [
      { deviceId: 'desk-abc', name: '前台电脑', kind: 'desktop', role: 'owner', online: true, lastSeenAt: now, createdAt: now - 900 * MIN, revoked: false },
      { deviceId: 'kitchen-1', name: '后厨平板', kind: 'kitchen', role: 'kitchen', online: false, lastSeenAt: now - 90 * MIN, createdAt: now - 900 * MIN, revoked: false },
    ],
    thisDevice: 'desk-abc',
    unheard: {
      totalMs: 200_000,
      alerts: [
        { orderId: 8, orderNo: 'OB00000008', tableNumber: 'A08', alert: 'reminder', reason: 'not_heard', since: now - 2 * MIN, settledAt: null, unheardMs: 125_000 },
        { orderId: 3, orderNo: 'OB00000003', tableNumber: 'A03', alert: 'order', reason: 'no_device_online', since: now - 30 * MIN, settledAt: now - 29 * MIN, unheardMs: 75_000 },
      ],
    },
    unheardTodayMs: 200_000,
    settings: { escalateAfterSecs: 15, unheardAction: 'none', unheardActionAfterSecs: 300 },
    canEdit: true,
    ...overrides,
  };
}

const rowText = (page, selector) => page.locator(selector).evaluate((tr) => [...tr.children].map((td) => td.textContent));

test('the panel lists the devices and every unheard stretch, and saves the owner\'s choice', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { store_report: report(now) } });
  await page.getByRole('button', { name: '店铺' }).click();
  await page.locator('.dialog.store').waitFor();

  assert.deepEqual((await rowText(page, '[data-device="desk-abc"]')).slice(0, 3), ['前台电脑本机', '前台', '在线']);
  const kitchen = await rowText(page, '[data-device="kitchen-1"]');
  assert.deepEqual(kitchen.slice(0, 3), ['后厨平板', '后厨', '离线']);
  assert.match(kitchen[3], /^最后在线 \d+月\d+日 \d\d:\d\d$/);
  assert.equal(await page.locator('[data-device="kitchen-1"] .me').count(), 0, 'only this device is 本机');

  const open = await rowText(page, 'tr[data-order="8"]');
  assert.deepEqual([open[0], open[1], open[2], open[3], open[5], open[6]], ['A08号桌', 'OB00000008', '催单', '无人听到', '2:05', '仍未响应']);
  const settled = await rowText(page, 'tr[data-order="3"]');
  assert.deepEqual([settled[2], settled[3], settled[5], settled[6]], ['新订单', '无设备在线', '1:15', '已处理']);
  assert.equal(await page.locator('.total').textContent(), '今天共 3:20 无人响应 · 1 条仍未响应');

  // The minutes only show once the server is to act.
  const after = page.getByRole('spinbutton', { name: '付款后多少分钟仍无人响应时执行' });
  assert.equal(await after.isVisible(), false);
  await page.getByRole('spinbutton', { name: '无设备响铃多少秒后全部设备报警' }).fill('30');
  await page.getByRole('combobox', { name: '无人接单时' }).selectOption({ label: '自动接单' });
  await after.fill('10');
  await page.screenshot({ path: process.env.ORDERBELL_UI_STORE_SHOT ?? '/tmp/orderbell-ui-store.png' });
  await page.locator('.dialog.store').getByRole('button', { name: '保存' }).click();
  await page.getByText('无人响应时的处理已保存').waitFor();
  const saved = await page.evaluate(() => window.__calls.filter(([c]) => c === 'save_alert_settings').map(([, a]) => a.settings));
  assert.deepEqual(saved, [{ escalateAfterSecs: 30, unheardAction: 'accept', unheardActionAfterSecs: 600 }]);
  await page.close();
});

test('the kitchen sees the choice but cannot change it', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now, { role: 'kitchen' }), { answers: { store_report: report(now, { canEdit: false }) } });
  await page.getByRole('button', { name: '店铺' }).click();
  await page.getByText('仅商家凭证可修改（本机为后厨）。').waitFor();
  assert.equal(await page.getByRole('combobox', { name: '无人接单时' }).isDisabled(), true);
  assert.equal(await page.locator('.dialog.store').getByRole('button', { name: '保存' }).count(), 0);
  await page.close();
});

test('a failed save or load is said in Chinese', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { store_report: report(now) } });
  await page.evaluate(() => { window.__failNext = { code: 'network', message: '无法连接服务器，请检查网络' }; });
  await page.getByRole('button', { name: '店铺' }).click();
  await page.getByText('无法连接服务器，请检查网络').waitFor();
  assert.equal(await page.locator('.dialog.store').count(), 0, 'no panel without the report');
  await page.getByRole('button', { name: '店铺' }).click();
  await page.evaluate(() => { window.__failNext = { code: 'invalid_settings', message: '升级提醒的等待时间须在 5 到 600 秒之间' }; });
  await page.locator('.dialog.store').getByRole('button', { name: '保存' }).click();
  await page.getByText('升级提醒的等待时间须在 5 到 600 秒之间').waitFor();
  await page.close();
});

test('the owner issues a credential for a new device and sees its pairing link, and revokes one after asking', async () => {
  const now = Date.now();
  const issued = { deviceId: '7', storeId: 1, name: '二号收银', role: 'counter', credential: 'v.7.sig', pairingLink: 'http://192.168.1.20:8080/?token=v.7.sig' };
  const page = await chromium.open(view(now), { answers: { store_report: report(now), issue_device: issued } });
  await page.getByRole('button', { name: '店铺' }).click();
  await page.locator('.dialog.store').waitFor();
  assert.equal(await page.locator('[data-device="kitchen-1"] .role').textContent(), '后厨');
  assert.equal(await page.locator('[data-device="desk-abc"]').getByRole('button', { name: '停用' }).count(), 0, 'not this device');

  await page.getByRole('textbox', { name: '设备名称' }).fill('二号收银');
  await page.getByRole('combobox', { name: '设备角色' }).selectOption({ label: '前台' });
  await page.getByRole('button', { name: '发放凭证' }).click();
  await page.getByText('「二号收银」的配对链接：在该设备上打开点单铃，粘贴此链接连接。').waitFor();
  assert.equal(await page.getByRole('textbox', { name: '配对链接' }).inputValue(), issued.pairingLink);
  const made = await page.evaluate(() => window.__calls.filter(([c]) => c === 'issue_device').map(([, a]) => a.device));
  assert.deepEqual(made, [{ name: '二号收银', role: 'counter' }]);
  await page.screenshot({ path: process.env.ORDERBELL_UI_DEVICES_SHOT ?? '/tmp/orderbell-ui-devices.png' });

  await page.locator('[data-device="kitchen-1"]').getByRole('button', { name: '停用' }).click();
  await page.locator('[data-device="kitchen-1"]').getByRole('button', { name: '确认停用' }).click();
  await page.getByText('已停用「后厨平板」').waitFor();
  const revoked = await page.evaluate(() => window.__calls.filter(([c]) => c === 'revoke_device').map(([, a]) => a));
  assert.deepEqual(revoked, [{ deviceId: 'kitchen-1' }]);
  await page.close();
});
