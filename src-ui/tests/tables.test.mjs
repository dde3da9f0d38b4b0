// The 「桌台」 view in Chromium: tables by area, renamed or moved in place, a new link and removal
// each asked twice, a new table, and the QR sheet saved. A screenshot is kept
// (ORDERBELL_UI_TABLES_SHOT, default /tmp/orderbell-ui-tables.png) for a person to see.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

/** @param {number} tableId @param {string} number @param {string} area @param {boolean} occupied */
const table = (tableId, number, area, occupied = false) => ({
  tableId, storeId: 1, number, area, link: `http://192.168.1.20:8080/t/${tableId}?token=t.${tableId}.x`, linkGeneration: 0, occupied,
});
const TABLES = {
  storeId: 1,
  storeName: '铃声小馆',
  areas: [
    { name: '大厅', tables: [table(1, 'A01', '大厅', true), table(2, 'A02', '大厅')] },
    { name: '包间', tables: [table(13, '牡丹厅', '包间')] },
  ],
};

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);

test('the owner sees the tables by area, renames one, regenerates and removes after asking, adds one', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { tables: TABLES, save_qr_sheet: '/home/店主/Downloads/点单铃-桌台二维码.pdf' } });
  await page.getByRole('button', { name: '桌台', exact: true }).click();
  await page.locator('.dialog.tables').waitFor();
  assert.equal(await page.locator('.dialog.tables h2').textContent(), '桌台 · 铃声小馆');
  assert.deepEqual(await page.locator('.dialog.tables h3').allTextContents(), ['大厅（2 桌）', '包间（1 桌）', '添加桌台']);
  assert.equal(await page.locator('[data-table="1"] .state').textContent(), '用餐中');
  assert.equal(await page.locator('[data-table="2"] .state').textContent(), '空闲');
  await page.screenshot({ path: process.env.ORDERBELL_UI_TABLES_SHOT ?? '/tmp/orderbell-ui-tables.png' });

  await page.locator('[data-table="2"]').getByRole('textbox', { name: '桌号' }).fill('A2');
  await page.locator('[data-table="2"]').getByRole('button', { name: '保存' }).click();
  await page.getByText('A02 已保存').waitFor();
  assert.deepEqual(await calls(page, 'change_table'), [{ tableId: 2, change: { number: 'A2', area: null } }]);

  await page.locator('[data-table="13"]').getByRole('button', { name: '换新二维码' }).click();
  assert.deepEqual(await calls(page, 'new_table_link'), [], 'the first click only asks');
  await page.locator('[data-table="13"]').getByRole('button', { name: '确认：旧码作废' }).click();
  await page.getByText('牡丹厅 已换新二维码，请重新打印').waitFor();
  assert.deepEqual(await calls(page, 'new_table_link'), [{ tableId: 13 }]);

  await page.locator('[data-table="2"]').getByRole('button', { name: '删除' }).click();
  await page.locator('[data-table="2"]').getByRole('button', { name: '确认删除' }).click();
  assert.deepEqual(await calls(page, 'remove_table'), [{ tableId: 2 }]);

  await page.getByRole('textbox', { name: '新桌号' }).fill('B01');
  await page.getByRole('combobox', { name: '新桌区域' }).fill('露台');
  await page.locator('.dialog.tables .add').getByRole('button', { name: '添加' }).click();
  await page.getByText('B01 已添加').waitFor();
  assert.deepEqual(await calls(page, 'add_table'), [{ table: { number: 'B01', area: '露台' } }]);

  await page.getByRole('button', { name: '保存二维码 PDF（A4 打印）' }).click();
  await page.getByText('二维码已保存到 /home/店主/Downloads/点单铃-桌台二维码.pdf').waitFor();
  await page.close();
});

test('a refusal is said in the server\'s words, and the kitchen has no 桌台', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { tables: TABLES } });
  await page.getByRole('button', { name: '桌台', exact: true }).click();
  await page.locator('.dialog.tables').waitFor();
  await page.evaluate(() => {
    window.__failNext = { code: 'table_occupied', message: '桌台「A01」还有未完成的订单或购物车里还有菜：请等订单完成、购物车清空后再改' };
  });
  await page.locator('[data-table="1"]').getByRole('button', { name: '删除' }).click();
  await page.locator('[data-table="1"]').getByRole('button', { name: '确认删除' }).click();
  await page.getByText('桌台「A01」还有未完成的订单或购物车里还有菜：请等订单完成、购物车清空后再改').waitFor();
  await page.close();

  const kitchen = await chromium.open(view(now, { role: 'kitchen' }));
  await kitchen.getByRole('button', { name: '店铺' }).waitFor();
  assert.equal(await kitchen.getByRole('button', { name: '桌台', exact: true }).count(), 0);
  await kitchen.close();
});
