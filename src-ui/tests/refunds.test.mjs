// 退款 in Chromium: while refunds are not done yet the bar has 「退款」 with their count (red when
// one failed), opening the books on them; without any it is the books' third tab. The tab lists
// them from the desk's view, newest first, with table, order, cause, amount, status in words and
// colour, why it failed, attempts and time; 重试 and 已线下退款 only where the server would take
// them; a note asked before marking one handed back, a blank one refused in the server's words;
// a `refund_update` (a new view) redraws the list without a reload; 全部 reads every refund and
// again when the open ones change. A screenshot is kept (ORDERBELL_UI_REFUNDS_SHOT; default
// /tmp/orderbell-ui-refunds.png) for a person to look at.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { refund, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

// 21:30 local on 2 December 2026.
const NOW = new Date(2026, 11, 2, 21, 30).getTime();

const FAILED = refund(3, 'A03', 'failed', 12, 5, NOW, { lastError: '基本账户余额不足，请充值后重新发起', attempts: 2 });
const REQUESTED = refund(2, 'A05', 'requested', 38, 20, NOW);
const CASH = refund(1, 'B01', 'due', 6.5, 45, NOW, { provider: null, tradeNo: null, transactionId: null, attempts: 0, cause: 'item_returned' });
const OPEN = [FAILED, REQUESTED, CASH];

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);
const rows = (page) => page.locator('.refund-list tr[data-refund]').evaluateAll((rs) => rs.map((r) => [...r.children].slice(0, 8).map((c) => c.textContent)));
const button = (page, id, name) => page.locator(`tr[data-refund="${id}"]`).getByRole('button', { name, exact: true });

test('退款 lists the open refunds live, with their state, and acts only where the server would', async () => {
  const page = await chromium.open(view(NOW, { refunds: OPEN }), { clock: NOW, answers: { retry_refund: { ...FAILED, status: 'due' } } });
  const nav = page.locator('#refunds-button');
  assert.equal(await nav.locator('.badge').textContent(), '3');
  assert.ok(await nav.locator('.badge.bad').count(), 'red while one has failed');

  await nav.click();
  await page.locator('.refund-list').waitFor();
  assert.deepEqual(await rows(page), [
    ['12-02 21:25', 'A03', 'OB00000103', '拒单退款', '¥12.00', '退款失败', '基本账户余额不足，请充值后重新发起', '2'],
    ['12-02 21:10', 'A05', 'OB00000102', '拒单退款', '¥38.00', '退款中', '', '1'],
    ['12-02 20:45', 'B01', 'OB00000101', '退菜', '¥6.50', '待退款', '线下收的款，请退还后标记「已线下退款」', '0'],
  ]);
  const colours = await page.locator('.refund-state').evaluateAll((ss) => ss.map((s) => getComputedStyle(s).backgroundColor));
  assert.equal(new Set(colours).size, 3, `each state its own colour: ${colours}`);
  // With the provider now: nothing to do. Cash taken at the counter: only by hand.
  assert.deepEqual(
    [await button(page, 3, '重试').isDisabled(), await button(page, 3, '已线下退款').isDisabled()],
    [false, false],
  );
  assert.deepEqual(
    [await button(page, 2, '重试').isDisabled(), await button(page, 2, '已线下退款').isDisabled()],
    [true, true],
  );
  assert.deepEqual(
    [await button(page, 1, '重试').isDisabled(), await button(page, 1, '已线下退款').isDisabled()],
    [true, false],
  );
  await page.screenshot({ path: process.env.ORDERBELL_UI_REFUNDS_SHOT ?? '/tmp/orderbell-ui-refunds.png' });

  await button(page, 3, '重试').click();
  await page.locator('#toast').getByText('已重新发起退款 ¥12.00').waitFor();
  assert.deepEqual(await calls(page, 'retry_refund'), [{ refundId: 3 }]);
  // The server's refund_update reaches the desk: the list and the count follow, no reload.
  await page.evaluate((v) => window.__push(v), view(NOW, { refunds: [{ ...FAILED, status: 'due', lastError: null }, REQUESTED, CASH] }));
  await page.locator('tr[data-refund="3"]').getByText('待退款').waitFor();
  assert.equal(await nav.locator('.badge.bad').count(), 0, 'nothing failed any more');
  await page.evaluate((v) => window.__push(v), view(NOW, { refunds: [REQUESTED, CASH] }));
  await page.locator('tr[data-refund="3"]').waitFor({ state: 'detached' });
  assert.equal(await page.locator('#refunds-button .badge').textContent(), '2');
  assert.deepEqual(await calls(page, 'refunds'), [], 'the open list came with the view');
  await page.close();
});

test('已线下退款 asks what was done, and a blank note is refused in the server\'s words', async () => {
  const marked = { ...CASH, status: 'offline', handledBy: '店主：已现金退还' };
  const page = await chromium.open(view(NOW, { refunds: OPEN }), { clock: NOW, answers: { refund_offline: marked } });
  await page.locator('#refunds-button').click();
  await button(page, 1, '已线下退款').click();
  const form = page.locator('#refund-sheet form');
  assert.equal(await form.locator('h3').textContent(), '已线下退款 · B01号桌 ¥6.50');
  await page.evaluate(() => { window.__failNext = { code: 'note_required', message: '请填写退款说明（1 到 100 个字），如「已现金退还」' }; });
  await form.getByRole('button', { name: '确定' }).click();
  await form.locator('.problem').getByText('请填写退款说明（1 到 100 个字），如「已现金退还」').waitFor();

  await form.getByRole('textbox', { name: '退款说明' }).fill(' 已现金退还 ');
  await form.getByRole('button', { name: '确定' }).click();
  await page.locator('#toast').getByText('已标记线下退款 ¥6.50').waitFor();
  assert.deepEqual(await calls(page, 'refund_offline'), [{ refundId: 1, note: '' }, { refundId: 1, note: '已现金退还' }]);
  assert.equal(await page.locator('#refund-sheet').innerHTML(), '', 'the form is gone');
  await page.close();
});

test('全部 reads every refund, again when one changes, and no badge shows when none is open', async () => {
  const done = refund(4, 'A02', 'succeeded', 20, 90, NOW, { completedAt: NOW - 80 * 60_000 });
  const offline = { ...CASH, status: 'offline', handledBy: '前台：已现金退还' };
  const page = await chromium.open(view(NOW, { refunds: [CASH] }), { clock: NOW, answers: { refunds: [CASH, done] } });
  await page.locator('#refunds-button').click();
  await page.getByRole('button', { name: '全部', exact: true }).click();
  await page.locator('tr[data-refund="4"]').waitFor();
  assert.deepEqual(await calls(page, 'refunds'), [{ all: true }]);
  assert.equal(await button(page, 4, '重试').isDisabled(), true, 'done: nothing to do');

  await page.evaluate((list) => { window.__answers.refunds = list; }, [offline, done]);
  await page.evaluate((v) => window.__push(v), view(NOW, { refunds: [] }));
  await page.locator('tr[data-refund="1"]').getByText('前台：已现金退还').waitFor();
  assert.equal((await calls(page, 'refunds')).length, 2, 'read again on the change');
  assert.equal(await page.locator('#refunds-button .badge').count(), 0);

  await page.getByRole('button', { name: '未完成' }).click();
  await page.getByText('没有待处理的退款').waitFor();
  assert.deepEqual(await calls(page, 'day_summary'), [], 'opened on 退款, the day is not read');
  await page.close();
});

test('with no refund open the bar has no 退款, and the books have it as a tab', async () => {
  const page = await chromium.open(view(NOW), { clock: NOW, answers: { refunds: [] } });
  assert.equal(await page.locator('#refunds-button').count(), 0, 'the bar stays as it was');
  await page.getByRole('button', { name: '日结' }).click();
  await page.getByRole('tab', { name: '退款' }).click();
  await page.getByText('没有待处理的退款').waitFor();
  await page.close();
});

test('the kitchen has no 退款', async () => {
  const page = await chromium.open(view(NOW, { role: 'kitchen' }), { clock: NOW });
  assert.equal(await page.locator('#refunds-button').count(), 0);
  await page.close();
});
