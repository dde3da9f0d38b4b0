// 日结 and 订单历史 in Chromium: today's summary read when the view opens (another day when one is
// picked), every figure as the server added it up, the 24 hours as 24 SVG bars, the top dishes,
// 「导出 CSV」 saving the day and showing where; the history searched by dates, table, status and
// method a page at a time; refusals in the server's words. Screenshots are kept
// (ORDERBELL_UI_BOOKS_SHOT, ORDERBELL_UI_HISTORY_SHOT; default /tmp/orderbell-ui-books.png and
// /tmp/orderbell-ui-history.png) for a person to look at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

// 21:30 local on 2 December 2026.
const NOW = new Date(2026, 11, 2, 21, 30).getTime();
const TODAY = '2026-12-02';

/** A dinner service: orders from 11 to 14 and from 17 to 21. */
function day(date = TODAY) {
  const busy = { 11: [3, 186], 12: [9, 812.5], 13: [4, 301], 17: [2, 96], 18: [7, 655], 19: [10, 1020], 20: [5, 388], 21: [1, 45] };
  const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, orders: busy[hour]?.[0] ?? 0, amount: busy[hour]?.[1] ?? 0 }));
  return {
    storeId: 1, date, utcOffsetMinutes: 480,
    orders: 41, bills: 23, covers: 61,
    sales: 3503.5, received: 3215.5,
    byMethod: [
      { method: 'cash', label: '现金', count: 9, amount: 802 },
      { method: 'store_qr', label: '收款码', count: 12, amount: 1420.5 },
      { method: 'card', label: '刷卡', count: 2, amount: 311 },
      { method: 'online', label: '在线支付', count: 14, amount: 682 },
      { method: 'credit', label: '挂账', count: 2, amount: 200 },
      { method: 'free', label: '免单', count: 1, amount: 38 },
      { method: 'unpaid', label: '未结', count: 1, amount: 50 },
    ],
    discounts: 288, refunds: 42, refundCount: 1, averageTicket: 152.33,
    topDishes: [
      { cuisineId: 1001, name: '宫保鸡丁', quantity: 31, amount: 1178 },
      { cuisineId: 1003, name: '水煮鱼', quantity: 18, amount: 756 },
      { cuisineId: 1002, name: '米饭', quantity: 55, amount: 110 },
    ],
    hours,
  };
}

const historyOrder = (orderId, table, status, method, total) => ({
  order: {
    orderId, orderNo: `OB${String(orderId).padStart(8, '0')}`, storeId: 1, tableId: 3, tableNumber: table, status,
    items: [
      { cuisineId: 1001, cuisineName: '宫保鸡丁', cuisineType: 1, unitPrice: 38, quantity: 2, subtotalAmount: 38, remark: null, addUserId: 7, returnedQuantity: 1 },
    ],
    totalAmount: total, totalQuantity: 1, createdAt: NOW - 3_600_000, paidAt: null, acceptedAt: null, readyAt: null, finishedAt: NOW - 600_000,
    rejectReason: null, reminderCount: 0, lastReminderAt: null, billId: 12, round: 1,
  },
  method, settledAt: method ? NOW - 300_000 : null,
});

const PAGE = { orders: [historyOrder(101, 'A03', 'completed', 'cash', 38), historyOrder(102, 'A03', 'submitted', null, 38)], totalCount: 45, totalAmount: 1710 };

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);

test('日结 shows today\'s figures, the 24 hours as bars, the top dishes, and saves the CSV', async () => {
  const page = await chromium.open(view(NOW), { clock: NOW, answers: { day_summary: day(), export_day: '/home/店主/Downloads/点单铃-日结-2026-12-02.csv' } });
  await page.getByRole('button', { name: '日结' }).click();
  await page.locator('.figures').waitFor();
  assert.deepEqual(await calls(page, 'day_summary'), [{ date: TODAY }], 'today, on this machine\'s calendar');
  assert.equal(await page.getByRole('textbox', { name: '日期' }).inputValue(), TODAY);
  const figures = await page.locator('.figure').evaluateAll((fs) => fs.map((f) => [f.querySelector('.label').textContent, f.querySelector('.value').textContent]));
  assert.deepEqual(figures, [
    ['营业额', '¥3503.50'],
    ['实收', '¥3215.50'],
    ['优惠/挂账/未结', '¥288.00'],
    ['退款', '¥42.00（1 笔）'],
    ['单数', '41 单 · 23 桌次'],
    ['人数', '61 人'],
    ['客单价', '¥152.33'],
  ]);
  const methods = await page.locator('.report.by-method tr[data-method]').evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(methods[0], ['现金', '9', '¥802.00']);
  assert.deepEqual(methods.map((m) => m[0]), ['现金', '收款码', '刷卡', '在线支付', '挂账', '免单', '未结']);

  // 24 bars, the busiest hour the tallest, an empty hour flat.
  const bars = await page.locator('svg.chart g.hour').evaluateAll((gs) => gs.map((g) => ({ hour: Number(g.dataset.hour), height: Number(g.querySelector('rect').getAttribute('height')) })));
  assert.equal(bars.length, 24);
  assert.deepEqual(bars.map((b) => b.hour), Array.from({ length: 24 }, (_, h) => h));
  const tallest = bars.reduce((a, b) => (b.height > a.height ? b : a));
  assert.equal(tallest.hour, 19);
  assert.equal(bars[3].height, 0);
  assert.ok(bars[12].height > bars[11].height && bars[11].height > 0, 'heights follow the takings');
  assert.equal(await page.locator('g.hour[data-hour="19"] title').textContent(), '19:00–20:00 · 10 单 · ¥1020.00');
  assert.equal(await page.locator('.chart .label').count(), 8, 'every third hour labelled');

  const dishes = await page.locator('.report.dishes tr').evaluateAll((rs) => rs.slice(1).map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(dishes, [['1', '宫保鸡丁', '31', '¥1178.00'], ['2', '水煮鱼', '18', '¥756.00'], ['3', '米饭', '55', '¥110.00']]);
  // Tall enough for the whole day in one picture.
  await page.setViewportSize({ width: 1280, height: 1400 });
  await page.screenshot({ path: process.env.ORDERBELL_UI_BOOKS_SHOT ?? '/tmp/orderbell-ui-books.png' });

  await page.getByRole('button', { name: '导出 CSV' }).click();
  await page.locator('.saved').getByText('已保存到 /home/店主/Downloads/点单铃-日结-2026-12-02.csv').waitFor();
  assert.deepEqual(await calls(page, 'export_day'), [{ date: TODAY }]);

  // Another day: read and exported for that day.
  await page.evaluate((d) => { window.__answers.day_summary = d; }, day('2026-11-30'));
  await page.getByRole('textbox', { name: '日期' }).fill('2026-11-30');
  await page.waitForFunction(() => window.__calls.filter(([c]) => c === 'day_summary').length === 2);
  await page.getByRole('button', { name: '导出 CSV' }).click();
  await page.waitForFunction(() => window.__calls.filter(([c]) => c === 'export_day').length === 2);
  assert.deepEqual(await calls(page, 'day_summary'), [{ date: TODAY }, { date: '2026-11-30' }]);
  assert.deepEqual((await calls(page, 'export_day'))[1], { date: '2026-11-30' });
  await page.close();
});

test('a day without orders still has its 24 hours, flat', async () => {
  const empty = { ...day(), orders: 0, bills: 0, covers: 0, sales: 0, received: 0, byMethod: [], discounts: 0, refunds: 0, refundCount: 0, averageTicket: 0, topDishes: [], hours: Array.from({ length: 24 }, (_, hour) => ({ hour, orders: 0, amount: 0 })) };
  const page = await chromium.open(view(NOW), { clock: NOW, answers: { day_summary: empty } });
  await page.getByRole('button', { name: '日结' }).click();
  await page.getByText('这一天没有结算').waitFor();
  const heights = await page.locator('svg.chart rect.bar').evaluateAll((rs) => rs.map((r) => r.getAttribute('height')));
  assert.deepEqual(heights, Array(24).fill('0'));
  await page.close();
});

test('订单历史 searches by dates, table, status and method, a page at a time', async () => {
  const page = await chromium.open(view(NOW), { clock: NOW, answers: { day_summary: day(), history: PAGE } });
  await page.getByRole('button', { name: '日结' }).click();
  await page.getByRole('tab', { name: '订单历史' }).click();
  await page.getByRole('textbox', { name: '开始日期' }).fill('2026-11-25');
  await page.getByRole('textbox', { name: '桌号' }).fill('A03');
  await page.getByRole('combobox', { name: '状态' }).selectOption({ label: '已完成' });
  await page.getByRole('combobox', { name: '结算方式' }).selectOption({ label: '现金' });
  await page.getByRole('button', { name: '查询' }).click();
  await page.getByText('共 45 单，合计 ¥1710.00').waitFor();
  assert.deepEqual(await calls(page, 'history'), [{ query: { from: '2026-11-25', to: TODAY, table: 'A03', status: 'completed', method: 'cash', limit: 20, offset: 0 } }]);
  const rows = await page.locator('.report.history tr[data-order]').evaluateAll((rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(rows[0].slice(1), ['OB00000101', 'A03', '第 1 轮', '已完成', '宫保鸡丁×1（退1）', '¥38.00', '现金', '12-02 21:25']);
  assert.deepEqual(rows[1].slice(4, 9), ['已下单', '宫保鸡丁×1（退1）', '¥38.00', '未结算', '']);
  assert.equal(await page.locator('.pager .page').textContent(), '第 1/3 页');
  await page.screenshot({ path: process.env.ORDERBELL_UI_HISTORY_SHOT ?? '/tmp/orderbell-ui-history.png' });
  assert.equal(await page.getByRole('button', { name: '上一页' }).isDisabled(), true);
  await page.getByRole('button', { name: '下一页' }).click();
  await page.getByText('第 2/3 页').waitFor();
  assert.equal((await calls(page, 'history'))[1].query.offset, 20);

  await page.evaluate(() => { window.__failNext = { code: 'invalid_range', message: '查询范围最多 92 天，且开始日期不能晚于结束日期' }; });
  await page.getByRole('button', { name: '查询' }).click();
  await page.locator('.results .problem').getByText('查询范围最多 92 天，且开始日期不能晚于结束日期').waitFor();
  await page.close();
});

test('a day the server refuses is said in its words', async () => {
  const page = await chromium.open(view(NOW), { clock: NOW, answers: { day_summary: day() } });
  await page.evaluate(() => { window.__failNext = { code: 'invalid_date', message: '日期格式应为 YYYY-MM-DD' }; });
  await page.getByRole('button', { name: '日结' }).click();
  await page.locator('#day .problem').getByText('日期格式应为 YYYY-MM-DD').waitFor();
  await page.close();
});
