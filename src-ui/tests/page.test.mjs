// The window in headless Chromium: what the merchant sees and what each click sends.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { order, view } from './fixtures.mjs';
import { launch } from './page.mjs';

let chromium;
before(async () => { chromium = await launch(); });
after(async () => { await chromium?.close(); });

const calls = (page, name) => page.evaluate((n) => window.__calls.filter(([c]) => c === n).map(([, a]) => a), name);

test('a customer remark is shown as text, never run as HTML', async () => {
  const now = Date.now();
  const evil = order(7, 'A07', 'paid', 1, now);
  evil.order.items[0].remark = '<img src=x onerror="window.__pwned=1">不要辣';
  const page = await chromium.open(view(now, { orders: [evil], unhandled: 1 }));
  await page.getByText('备注：<img src=x onerror="window.__pwned=1">不要辣').waitFor();
  assert.equal(await page.locator('.card img').count(), 0, 'no element was made from the remark');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});

test('the board shows what needs a person, then accepted and ready, with the count, and 接单 accepts', async () => {
  const now = Date.now();
  const orders = [order(1, 'A01', 'paid', 2, now), order(2, 'A02', 'accepted', 3, now), order(3, 'A03', 'ready', 9, now)];
  const page = await chromium.open(view(now, { orders, unhandled: 1 }));
  await page.getByText('待处理 (1)').waitFor();
  assert.equal(await page.locator('.count').textContent(), '未处理 1');
  assert.equal(await page.locator('.lane.accepted .table').textContent(), 'A02号桌');
  assert.equal(await page.locator('.lane.ready .table').textContent(), 'A03号桌');
  assert.equal(await page.locator('[data-order="3"] .age').textContent(), '9 分钟');
  await page.locator('[data-order="1"]').getByRole('button', { name: '接单' }).click();
  assert.deepEqual(await calls(page, 'act'), [{ orderId: 1, action: { action: 'accept' } }]);
  await page.locator('[data-order="1"]').getByRole('button', { name: '拒单', exact: true }).click();
  await page.locator('[data-order="1"]').getByRole('button', { name: '菜品售罄' }).click();
  assert.deepEqual((await calls(page, 'act'))[1], { orderId: 1, action: { action: 'reject', reason: '菜品售罄' } });
  await page.close();
});

test('a 催单 is answered with a preset or up to 30 characters', async () => {
  const now = Date.now();
  const hurried = { ...order(4, 'A04', 'accepted', 6, now, { reminderCount: 2 }), unanswered: true };
  const page = await chromium.open(view(now, { orders: [hurried] }));
  await page.getByText('催单 2 次').waitFor();
  await page.getByRole('button', { name: '马上就好' }).click();
  await page.locator('.reply-text').fill('好'.repeat(31));
  await page.getByRole('button', { name: '发送' }).click();
  await page.getByText('回复最多 30 个字（现在 31 个）').waitFor();
  await page.locator('.reply-text').fill('五分钟内上菜');
  await page.getByRole('button', { name: '发送' }).click();
  const replies = (await calls(page, 'act')).map((a) => a.action.text);
  assert.deepEqual(replies, ['马上就好', '五分钟内上菜'], 'the 31-character reply was not sent');
  await page.close();
});

test('a card says which devices heard it, and 无人接听 while nobody has', async () => {
  const now = Date.now();
  const heard = order(5, 'A05', 'paid', 1, now);
  heard.soundedOn = ['前台电脑', '后厨平板'];
  const unheard = order(6, 'A06', 'paid', 1, now);
  unheard.unheard = true;
  const page = await chromium.open(view(now, { orders: [heard, unheard], unhandled: 2 }));
  await page.locator('[data-order="5"]').getByText('已在前台电脑、后厨平板响铃').waitFor();
  await page.locator('[data-order="6"]').getByText('无人接听').waitFor();
  assert.equal(await page.locator('[data-order="6"] .heard').count(), 0);
  const settled = { ...unheard, unheard: false, soundedOn: ['前台电脑'] };
  await page.evaluate((v) => window.__push(v), view(now, { orders: [heard, settled], unhandled: 2 }));
  await page.locator('[data-order="6"]').getByText('已在前台电脑响铃').waitFor();
  assert.equal(await page.locator('[data-order="6"] .unheard').count(), 0, '无人接听 goes once someone heard it');
  await page.close();
});

test('what the merchant types survives a re-draw', async () => {
  const now = Date.now();
  const hurried = { ...order(4, 'A04', 'accepted', 1, now, { reminderCount: 1 }), unanswered: true };
  const page = await chromium.open(view(now, { orders: [hurried] }));
  await page.locator('.reply-text').fill('稍等');
  await page.evaluate((v) => window.__push(v), view(now, { orders: [hurried], unhandled: 0, lastEventId: 13 }));
  assert.equal(await page.locator('.reply-text').inputValue(), '稍等');
  await page.close();
});

test('the kitchen sees its tickets yellow at 5 minutes and red at 8, and marks them ready', async () => {
  const now = Date.now();
  const orders = [order(1, 'A01', 'accepted', 1, now), order(2, 'A02', 'accepted', 6, now), order(3, 'A03', 'paid', 9, now)];
  const page = await chromium.open(view(now, { role: 'kitchen', orders }));
  await page.getByText('点单铃 · 后厨').waitFor();
  const level = (id) => page.locator(`.ticket[data-order="${id}"]`).getAttribute('class');
  assert.doesNotMatch(await level(1), /warn|late/);
  assert.match(await level(2), /warn/);
  assert.match(await level(3), /late/);
  assert.equal(await page.getByRole('button', { name: '接单' }).count(), 0, 'the kitchen does not accept');
  await page.locator('.ticket[data-order="2"]').getByRole('button', { name: '出餐' }).click();
  assert.deepEqual(await calls(page, 'act'), [{ orderId: 2, action: { action: 'ready' } }]);
  await page.close();
});

test('a lost connection shows the banner; a broken speaker is said, not hidden', async () => {
  const now = Date.now();
  const lost = { state: 'lost', sinceMs: now - 2 * 60_000, attempt: 6, retryInMs: 16_000, error: '无法连接服务器' };
  const page = await chromium.open(view(now, {
    connection: lost,
    audio: { ok: false, message: '声音设备不可用：Could not find any output device' },
  }));
  await page.locator('#lost').waitFor();
  assert.match(await page.locator('#lost').textContent(), /连接已断开约 2 分钟/);
  assert.equal(await page.locator('#conn').textContent(), '连接已断开');
  await page.getByText(/声音设备不可用/).waitFor();
  await page.evaluate((v) => window.__push(v), view(now));
  await page.getByText('已连接').waitFor();
  assert.equal(await page.locator('#lost').count(), 0, 'the banner clears when the connection is back');
  await page.screenshot({ path: process.env.ORDERBELL_UI_SHOT ?? '/tmp/orderbell-ui.png' });
  await page.close();
});

test('before pairing the window asks for the server and a credential', async () => {
  const page = await chromium.open(null);
  await page.getByText('连接到点单铃服务器').waitFor();
  await page.evaluate(() => { window.__failNext = { code: 'pairing', message: '凭证格式不对' }; });
  await page.locator('#server').fill('http://192.168.1.20:8080');
  await page.locator('#token').fill('m.1');
  await page.getByRole('button', { name: '连接' }).click();
  await page.getByText('凭证格式不对').waitFor();
  assert.deepEqual(await calls(page, 'pair'), [{ server: 'http://192.168.1.20:8080', token: 'm.1' }]);
  await page.close();
});

test('a refused credential says so and leads back to pairing', async () => {
  const now = Date.now();
  const refused = { state: 'refused', sinceMs: now, attempt: 0, retryInMs: 0, error: '凭证无效（401）' };
  const page = await chromium.open(view(now, { connection: refused }));
  await page.getByText('凭证无效或已停用，请重新配对。').waitFor();
  assert.equal(await page.locator('#conn').textContent(), '凭证无效');
  await page.getByRole('button', { name: '重新配对' }).click();
  await page.getByText('连接到点单铃服务器').waitFor();
  assert.equal((await calls(page, 'unpair')).length, 1);
  await page.close();
});

test('a revoked device says so and leads back to pairing', async () => {
  const now = Date.now();
  const revoked = { state: 'revoked', sinceMs: now, attempt: 0, retryInMs: 0, error: '此设备已被停用，请重新配对' };
  const page = await chromium.open(view(now, { connection: revoked }));
  await page.getByText('此设备已被停用，请重新配对。').waitFor();
  assert.equal(await page.locator('#conn').textContent(), '设备已停用');
  await page.getByRole('button', { name: '重新配对' }).click();
  await page.getByText('连接到点单铃服务器').waitFor();
  await page.close();
});

test('a malformed --pair link shows its reason on the pairing form', async () => {
  const page = await chromium.open(null, { answers: { pairing_problem: '配对链接无效：凭证格式不对' } });
  await page.getByText('连接到点单铃服务器').waitFor();
  await page.getByText('配对链接无效：凭证格式不对').waitFor();
  await page.close();
});

test('a link from a second launch asks before switching; 保留 keeps, 切换 switches', async () => {
  const now = Date.now();
  const page = await chromium.open(view(now));
  const offer = { serverUrl: 'http://192.168.1.30:8080', role: 'merchant', storeId: 2 };
  await page.evaluate((o) => window.__emit('pairing-offer', o), offer);
  await page.locator('#offer').getByText('http://192.168.1.30:8080，门店 2，商家').waitFor();
  await page.getByRole('button', { name: '保留' }).click();
  assert.equal(await page.locator('#offer').count(), 0);
  await page.evaluate((o) => window.__emit('pairing-offer', o), offer);
  await page.getByRole('button', { name: '切换' }).click();
  await page.waitForFunction(() => window.__calls.filter(([c]) => c === 'answer_offer').length === 2);
  assert.deepEqual(await calls(page, 'answer_offer'), [{ switch: false }, { switch: true }]);
  await page.close();
});
