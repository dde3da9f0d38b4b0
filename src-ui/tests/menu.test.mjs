// The 「菜单」 view in Chromium, and 估清 from the order board: categories with their dishes, a
// price saved as typed, 估清 and back, a photo sent as its bytes, a set meal added with its
// contents. A screenshot is kept (ORDERBELL_UI_MENU_SHOT, default /tmp/orderbell-ui-menu.png).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

/** @param {number} id @param {string} name @param {number} price */
const dish = (id, name, price, extra = {}) => ({
  cuisineId: id, cuisineName: name, cuisineType: 1, cuisineImage: null, unitPrice: price, description: null,
  thumbnail: null, soldOut: false, setItems: [], ...extra,
});
const MENU = {
  storeId: 1,
  storeName: '铃声小馆',
  menuVersion: 4,
  categories: [
    { categoryId: 1, name: '热菜', dishes: [dish(1001, '宫保鸡丁', 38), dish(1002, '水煮鱼', 68.8, { soldOut: true })] },
    {
      categoryId: 2,
      name: '套餐',
      dishes: [dish(2001, '鸡丁套餐', 45, { cuisineType: 2, setItems: [{ cuisineId: 1001, cuisineName: '宫保鸡丁', quantity: 1 }] })],
    },
  ],
};

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);

test('the owner sees the menu, reprices a dish, marks one sold out and restocks another, adds a photo and a set meal', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { menu: MENU } });
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.dialog.menu').waitFor();
  assert.equal(await page.locator('.dialog.menu h2').textContent(), '菜单 · 铃声小馆');
  assert.equal(await page.locator('[data-dish="1002"] input[aria-label="价格（元）"]').inputValue(), '68.80');
  assert.equal(await page.locator('[data-dish="2001"] .meta').textContent(), '含：宫保鸡丁×1');
  await page.screenshot({ path: process.env.ORDERBELL_UI_MENU_SHOT ?? '/tmp/orderbell-ui-menu.png' });

  await page.locator('[data-dish="1001"]').getByRole('textbox', { name: '价格（元）' }).fill('39.5');
  await page.locator('[data-dish="1001"]').getByRole('button', { name: '保存' }).click();
  await page.getByText('「宫保鸡丁」已保存').waitFor();
  assert.deepEqual(await calls(page, 'change_dish'), [{ dishId: 1001, change: { cuisineName: '宫保鸡丁', unitPrice: '39.5', description: '' } }]);

  await page.locator('[data-dish="1001"]').getByRole('button', { name: '估清' }).click();
  await page.getByText('「宫保鸡丁」已估清').waitFor();
  await page.locator('[data-dish="1002"]').getByRole('button', { name: '已估清 · 恢复' }).click();
  await page.getByText('「水煮鱼」已恢复供应').waitFor();
  assert.deepEqual(await calls(page, 'set_sold_out'), [{ dishId: 1001, soldOut: true }, { dishId: 1002, soldOut: false }]);

  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await page.locator('[data-dish="1001"] input[type="file"]').setInputFiles({ name: 'dish.png', mimeType: 'image/png', buffer: png });
  await page.getByText('「宫保鸡丁」的照片已更新').waitFor();
  const [photo] = await calls(page, 'set_dish_photo');
  assert.equal(photo.dishId, 1001);
  assert.equal(photo.contentType, 'image/png');
  assert.deepEqual(photo.bytes, [...png], 'the file\'s bytes, unchanged');

  const set = page.locator('[data-category="2"]');
  await set.getByRole('textbox', { name: '套餐新菜名' }).fill('双人套餐');
  await set.getByRole('textbox', { name: '套餐新菜价格' }).fill('88');
  await set.getByRole('textbox', { name: '套餐新菜描述' }).fill('两人份，含米饭');
  await set.getByRole('combobox', { name: '套餐新菜类型' }).selectOption({ label: '套餐' });
  await set.getByRole('listbox', { name: '套餐套餐内容' }).selectOption([{ label: '宫保鸡丁' }]);
  await set.getByRole('button', { name: '添加菜品' }).click();
  await page.getByText('「双人套餐」已添加').waitFor();
  assert.deepEqual(await calls(page, 'add_dish'), [
    { dish: { categoryId: 2, cuisineName: '双人套餐', cuisineType: 2, unitPrice: '88', description: '两人份，含米饭', setItems: [{ cuisineId: 1001, quantity: 1 }] } },
  ]);
  await page.close();
});

test('a dish or a category moves up one place', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { menu: MENU } });
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.dialog.menu').waitFor();
  assert.equal(await page.getByRole('button', { name: '上移宫保鸡丁' }).count(), 0, 'the first dish stays first');
  await page.getByRole('button', { name: '上移水煮鱼' }).click();
  await page.getByText('「水煮鱼」已上移').waitFor();
  assert.deepEqual(await calls(page, 'reorder_dishes'), [{ categoryId: 1, ids: [1002, 1001] }]);
  assert.equal(await page.getByRole('button', { name: '上移分类热菜' }).count(), 0);
  await page.getByRole('button', { name: '上移分类套餐' }).click();
  await page.getByText('分类「套餐」已上移').waitFor();
  assert.deepEqual(await calls(page, 'reorder_categories'), [{ ids: [2, 1] }]);
  await page.close();
});

test('the menu is exported to a file, and imported from one after asking', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { menu: MENU, export_menu: '/home/店主/Downloads/点单铃-菜单.csv' } });
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.dialog.menu').waitFor();
  await page.getByRole('button', { name: '导出菜单（CSV）' }).click();
  await page.getByText('菜单已导出到 /home/店主/Downloads/点单铃-菜单.csv').waitFor();
  const csv = Buffer.from('分类,编号,菜名,类型,价格,描述,套餐内容,估清,图片\n热菜,1001,宫保鸡丁,单品,39.50,,,否,\n');
  await page.locator('input[aria-label="导入菜单文件"]').setInputFiles({ name: '新菜单.csv', mimeType: 'text/csv', buffer: csv });
  assert.deepEqual(await calls(page, 'import_menu'), [], 'choosing the file only asks');
  await page.getByRole('button', { name: '确认导入「新菜单.csv」（替换整份菜单）' }).click();
  await page.getByText('已从「新菜单.csv」导入菜单').waitFor();
  const [imported] = await calls(page, 'import_menu');
  assert.equal(imported.contentType, 'text/csv');
  assert.deepEqual(imported.bytes, [...csv]);
  await page.close();
});

test('a refused price is said in the server\'s words', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now), { answers: { menu: MENU } });
  await page.getByRole('button', { name: '菜单' }).click();
  await page.locator('.dialog.menu').waitFor();
  await page.evaluate(() => { window.__failNext = { code: 'invalid_price', message: '价格最多两位小数（到分），例如 38.50' }; });
  await page.locator('[data-dish="1001"]').getByRole('textbox', { name: '价格（元）' }).fill('38.555');
  await page.locator('[data-dish="1001"]').getByRole('button', { name: '保存' }).click();
  await page.getByText('价格最多两位小数（到分），例如 38.50').waitFor();
  await page.close();
});

test('估清 from the order board, on a dish still to cook', async () => {
  const now = Date.now();
  const orders = [order(1, 'A01', 'paid', 1, now), order(3, 'A03', 'ready', 9, now)];
  const page = await chromium.open(view(now, { orders, unhandled: 1 }));
  await page.locator('[data-order="1"]').getByRole('button', { name: '估清' }).click();
  await page.getByText('「宫保鸡丁」已估清，顾客页面显示售罄；在「菜单」里可恢复').waitFor();
  assert.deepEqual(await calls(page, 'set_sold_out'), [{ dishId: 1001, soldOut: true }]);
  assert.equal(await page.locator('[data-order="3"]').getByRole('button', { name: '估清' }).count(), 0, 'not on a dish already cooked');
  await page.close();
});
