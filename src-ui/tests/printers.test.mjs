// 设置 → 打印机 in Chromium: the list (which device prints to each), adding a network printer
// (IP, port 9100, 58 mm, its role's rules, a category), a system printer by queue name, editing
// one and handing it to another device, 测试打印 and 删除, a refusal shown in the server's words;
// 重打 on the board's cards and the kitchen's tickets; the banner for a printer of this device off
// line or out of paper. A screenshot of the printers dialog is kept (ORDERBELL_UI_PRINTERS_SHOT,
// default /tmp/orderbell-ui-printers.png) and one of the board with the banner
// (ORDERBELL_UI_PRINTER_BANNER_SHOT, default /tmp/orderbell-ui-printer-banner.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const kitchenRules = { onNewOrder: true, onAccept: false, onReturn: true, onReminder: true, onSettle: false };

function printer(id, name, extra = {}) {
  return {
    printerId: id,
    storeId: 1,
    name,
    role: 'kitchen',
    connection: { kind: 'network', host: '192.168.1.50', port: 9100 },
    paper: 'mm80',
    copies: 1,
    categoryIds: [],
    rules: kitchenRules,
    deviceId: '3',
    deviceName: '前台电脑',
    enabled: true,
    ...extra,
  };
}

const answers = {
  printers: [
    printer(1, '厨房打印机'),
    printer(2, '吧台打印机', {
      role: 'bar', paper: 'mm58', connection: { kind: 'network', host: '192.168.1.51', port: 9100 },
      categoryIds: [5], deviceId: '4', deviceName: '吧台平板', enabled: false,
    }),
  ],
  store_report: {
    devices: [
      { deviceId: '3', name: '前台电脑', kind: 'desktop', role: 'owner', online: true, lastSeenAt: 1, createdAt: 1, revoked: false },
      { deviceId: '4', name: '吧台平板', kind: 'desktop', role: 'counter', online: true, lastSeenAt: 1, createdAt: 1, revoked: false },
      { deviceId: '9', name: '旧手机', kind: 'desktop', role: 'counter', online: false, lastSeenAt: 1, createdAt: 1, revoked: true },
    ],
    thisDevice: '3',
    unheard: { totalMs: 0, alerts: [] },
    unheardTodayMs: 0,
    settings: { escalateAfterSecs: 15, unheardAction: 'none', unheardActionAfterSecs: 300 },
    canEdit: true,
  },
  menu: {
    storeId: 1, storeName: '铃声小馆', menuVersion: 1,
    categories: [{ categoryId: 4, name: '热菜', dishes: [] }, { categoryId: 5, name: '饮品', dishes: [] }],
  },
  reprint: 1,
};

const calls = (page, command) => page.evaluate((c) => window.__calls.filter(([name]) => name === c).map(([, a]) => a), command);

/** The window, its settings open at 打印机. */
async function printersDialog() {
  const page = await chromium.open(view(Date.now()), { answers });
  await page.getByRole('button', { name: '设置' }).click();
  await page.locator('.dialog').getByRole('button', { name: '打印机' }).click();
  await page.locator('.dialog.printers').waitFor();
  return page;
}

const rowText = (page, id) => page.locator(`tr[data-printer="${id}"]`).evaluate((tr) => [...tr.children].slice(0, 6).map((td) => td.textContent));

test('the list says how each printer is reached and which device prints to it', async () => {
  const page = await printersDialog();
  await page.screenshot({ path: process.env.ORDERBELL_UI_PRINTERS_SHOT ?? '/tmp/orderbell-ui-printers.png', fullPage: true });
  assert.deepEqual(await rowText(page, 1), ['厨房打印机', '厨房', '网络 192.168.1.50:9100', '80 mm', '前台电脑（本机）', '启用']);
  assert.deepEqual(await rowText(page, 2), ['吧台打印机', '吧台', '网络 192.168.1.51:9100', '58 mm', '吧台平板', '停用']);
  const devices = await page.getByLabel('由哪台设备打印').locator('option').allTextContents();
  assert.deepEqual(devices, ['本机（前台电脑）', '吧台平板'], 'a revoked device prints nothing');
  await page.close();
});

test('a network printer is added with port 9100, its paper, its role\'s rules and a category', async () => {
  const page = await printersDialog();
  const form = page.locator('.printer-form');
  assert.equal(await form.getByLabel('端口').inputValue(), '9100');
  await form.getByLabel('名称').fill('吧台');
  await form.getByLabel('IP 地址').fill(' 192.168.1.60 ');
  await form.getByLabel('用途').selectOption('吧台');
  await form.getByLabel('纸宽').selectOption('58 mm');
  await form.getByRole('checkbox', { name: '饮品' }).check();
  await form.getByLabel('份数').fill('2');
  await form.getByRole('button', { name: '添加' }).click();
  await page.getByText('「吧台」已添加').waitFor();
  const [added] = (await calls(page, 'add_printer')).map((a) => a.printer);
  assert.deepEqual(added, {
    name: '吧台',
    role: 'bar',
    connection: { kind: 'network', host: '192.168.1.60', port: 9100 },
    paper: 'mm58',
    copies: 2,
    categoryIds: [5],
    rules: kitchenRules,
    deviceId: '3',
  });
  await page.close();
});

test('a system printer is named by its queue, and a counter printer prints receipts', async () => {
  const page = await printersDialog();
  const form = page.locator('.printer-form');
  await form.getByLabel('名称').fill('收银小票');
  await form.getByLabel('用途').selectOption('前台');
  assert.equal(await form.getByRole('checkbox', { name: '结账后打印顾客小票' }).isChecked(), true);
  assert.equal(await form.getByRole('checkbox', { name: /新订单/ }).isChecked(), false);
  await form.getByLabel('连接方式').selectOption('system');
  assert.equal(await form.getByLabel('IP 地址').isVisible(), false, 'no IP for a system printer');
  await form.getByLabel('队列名').fill('POS-80');
  await form.getByRole('button', { name: '添加' }).click();
  await page.getByText('「收银小票」已添加').waitFor();
  const [added] = (await calls(page, 'add_printer')).map((a) => a.printer);
  assert.deepEqual(added.connection, { kind: 'system', queue: 'POS-80' });
  assert.equal(added.rules.onSettle, true);
  await page.close();
});

test('a printer is edited and handed to another device, test-printed, and removed after a second tap', async () => {
  const page = await printersDialog();
  await page.locator('tr[data-printer="1"]').getByRole('button', { name: '编辑' }).click();
  const form = page.locator('.printer-form');
  await form.getByText('编辑「厨房打印机」').waitFor();
  assert.equal(await form.getByLabel('IP 地址').inputValue(), '192.168.1.50');
  await form.getByLabel('由哪台设备打印').selectOption('吧台平板');
  await form.getByRole('button', { name: '保存' }).click();
  await page.getByText('「厨房打印机」已保存').waitFor();
  const [edit] = await calls(page, 'change_printer');
  assert.equal(edit.printerId, 1);
  assert.equal(edit.change.deviceId, '4');

  await page.locator('tr[data-printer="1"]').getByRole('button', { name: '测试打印' }).click();
  await page.getByText('测试页已发送').waitFor();
  assert.deepEqual(await calls(page, 'test_print'), [{ printerId: 1 }]);

  await page.locator('tr[data-printer="2"]').getByRole('button', { name: '删除' }).click();
  assert.deepEqual(await calls(page, 'remove_printer'), [], 'the first tap only asks');
  await page.locator('tr[data-printer="2"]').getByRole('button', { name: '确认删除' }).click();
  await page.getByText('「吧台打印机」已删除').waitFor();
  assert.deepEqual(await calls(page, 'remove_printer'), [{ printerId: 2 }]);
  await page.close();
});

test('a refusal is shown in the server\'s words and the form keeps what was typed', async () => {
  const page = await printersDialog();
  const form = page.locator('.printer-form');
  await form.getByLabel('名称').fill('厨房二号');
  await form.getByLabel('IP 地址').fill('192.168.1.50');
  const message = '这台打印机已由「前台」打印，请在那台设备上修改，或把它交给本机';
  await page.evaluate((m) => { window.__failNext = { code: 'printer_taken', message: m }; }, message);
  await form.getByRole('button', { name: '添加' }).click();
  await page.getByText(message).waitFor();
  assert.equal(await form.getByLabel('名称').inputValue(), '厨房二号');
  await page.close();
});

test('重打 on a board card and on a kitchen ticket prints that order again', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now, { orders: [order(7, 'A07', 'paid', 1, now), order(8, 'A08', 'accepted', 5, now)] }), { answers });
  await page.locator('[data-order="7"]').getByRole('button', { name: '重打' }).click();
  await page.getByText('已重打 1 张厨房单').waitFor();
  await page.locator('[data-order="8"]').getByRole('button', { name: '重打' }).click();
  assert.deepEqual(await calls(page, 'reprint'), [{ orderId: 7 }, { orderId: 8 }]);
  await page.close();

  const kitchen = await chromium.open(view(now, { role: 'kitchen', orders: [order(9, 'A09', 'accepted', 2, now)] }), { answers });
  await kitchen.locator('.ticket[data-order="9"]').getByRole('button', { name: '重打' }).click();
  assert.deepEqual(await calls(kitchen, 'reprint'), [{ orderId: 9 }]);
  await kitchen.close();
});

test('a printer of this device off line or out of paper raises a banner until it is back', async () => {
  const now = Date.now();
  const status = (extra) => ({ printerId: 1, name: '厨房打印机', role: 'kitchen', online: true, paperOut: false, queued: 0, error: null, ...extra });
  const page = await chromium.open(view(now, { printers: [status({ online: false, queued: 2 })] }), { answers });
  const banner = page.locator('.banner.printer');
  await banner.waitFor();
  assert.match(await banner.textContent(), /厨房打印机离线，2 张单等待打印/);
  await page.screenshot({ path: process.env.ORDERBELL_UI_PRINTER_BANNER_SHOT ?? '/tmp/orderbell-ui-printer-banner.png' });

  await page.evaluate((v) => window.__push(v), view(now, { printers: [status({ paperOut: true, queued: 1 })] }));
  await page.getByText(/厨房打印机缺纸，1 张单等待打印/).waitFor();
  await page.evaluate((v) => window.__push(v), view(now, { printers: [status({})] }));
  await banner.waitFor({ state: 'detached' });
  await page.close();
});
