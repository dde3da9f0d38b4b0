// The window's pure logic, in Node.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ageLevel, connectionText, formatAge, itemsLine, lanes, minutes, clock, payLabel, replyProblem, roundLabel, tickets, untilNextMinute } from '../app/board.js';
import { order, round } from './fixtures.mjs';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const settings = { kitchenYellowMins: 5, kitchenRedMins: 8 };

test('tickets turn yellow at five minutes and red at eight', () => {
  assert.equal(ageLevel(order(1, 'A01', 'accepted', 4.9, now).order, now, settings), '');
  assert.equal(ageLevel(order(1, 'A01', 'accepted', 5, now).order, now, settings), 'warn');
  assert.equal(ageLevel(order(1, 'A01', 'accepted', 8, now).order, now, settings), 'late');
});

test('ages read in whole minutes, and change on the minute', () => {
  assert.equal(formatAge(59_999), '刚刚');
  assert.equal(formatAge(65_000), '1 分钟');
  assert.equal(formatAge(3_725_000), '1 小时 2 分');
  assert.equal(untilNextMinute(65_000), 55_000);
  assert.equal(untilNextMinute(120_000), 60_000, 'just turned 2 minutes: the next change is at 3');
});

test('what needs a person comes first: new orders and rounds, unanswered 催单, alerts nobody heard', () => {
  const hurried = order(4, 'A04', 'accepted', 1, now, { reminderCount: 1 });
  hurried.unanswered = true;
  const answered = order(5, 'A05', 'accepted', 1, now, { reminderCount: 1 });
  answered.lastReply = '马上就好';
  const unheard = order(6, 'A06', 'accepted', 1, now);
  unheard.unheard = true;
  const servedHurry = order(7, 'A07', 'ready', 1, now, { reminderCount: 1 });
  servedHurry.unanswered = true;
  const board = lanes([
    order(1, 'A01', 'paid', 1, now), round(2, 'A02', 'submitted', 1, now, 9, 2), order(3, 'A03', 'accepted', 1, now),
    hurried, answered, unheard, servedHurry, order(8, 'A08', 'ready', 1, now),
  ]);
  const ids = (list) => list.map((o) => o.order.orderId);
  assert.deepEqual(ids(board.needs), [1, 2, 4, 6]);
  assert.deepEqual(ids(board.accepted), [3, 5], 'an answered 催单 is handled');
  assert.deepEqual(ids(board.ready), [7, 8], 'the food is out: the 催单 is answered by it');
  assert.deepEqual(ids(tickets([round(2, 'A02', 'submitted', 1, now, 9, 1)]).cooking), [2], 'the kitchen cooks a round at once');
});

test('a round says which it is and that it is paid with the bill; 退菜 leaves the dishes line', () => {
  const first = round(1, 'A01', 'submitted', 1, now, 9, 1).order;
  const second = round(2, 'A01', 'submitted', 1, now, 9, 2).order;
  assert.equal(roundLabel(first), null);
  assert.equal(roundLabel(second), '第2轮 加菜');
  assert.equal(payLabel(second), '未付·餐后结账');
  assert.equal(payLabel(order(3, 'A03', 'paid', 1, now).order), '已支付');
  second.items[0].returnedQuantity = 1;
  second.items[1].returnedQuantity = 2;
  assert.equal(itemsLine(second), '宫保鸡丁×1');
});

test('the status pill and banner say what the connection does', () => {
  assert.equal(connectionText({ state: 'live', sinceMs: now, attempt: 0, retryInMs: 0, error: null }, now).banner, null);
  const retrying = connectionText({ state: 'reconnecting', sinceMs: now, attempt: 3, retryInMs: 4000, error: 'x' }, now);
  assert.equal(retrying.text, '正在重连（第 3 次，4 秒后重试）');
  const lost = connectionText({ state: 'lost', sinceMs: now - 5 * 60_000, attempt: 9, retryInMs: 30_000, error: 'x' }, now);
  assert.equal(lost.level, 'bad');
  assert.match(lost.banner ?? '', /约 5 分钟/);
  const justLost = connectionText({ state: 'lost', sinceMs: now - 35_000, attempt: 9, retryInMs: 30_000, error: 'x' }, now);
  assert.match(justLost.banner ?? '', /已断开 35 秒，/, 'not "about a minute" before a minute');
  const neverReached = connectionText({ state: 'unreachable', sinceMs: now, attempt: 2, retryInMs: 1000, error: 'x' }, now);
  assert.match(neverReached.banner ?? '', /请检查地址是否正确/);
  const refused = connectionText({ state: 'refused', sinceMs: now, attempt: 0, retryInMs: 0, error: '401' }, now);
  assert.equal(refused.banner, '凭证无效或已停用，请重新配对。');
  const revoked = connectionText({ state: 'revoked', sinceMs: now, attempt: 0, retryInMs: 0, error: '此设备已被停用，请重新配对' }, now);
  assert.equal(revoked.banner, '此设备已被停用，请重新配对。');
});

test('a custom reply is 1 to 30 characters, counted as characters not bytes', () => {
  assert.equal(replyProblem('马上就好', 30), null);
  assert.equal(replyProblem('好'.repeat(30), 30), null);
  assert.match(replyProblem('好'.repeat(31), 30) ?? '', /最多 30/);
  assert.match(replyProblem('   ', 30) ?? '', /请输入/);
});

test('quiet hours go to and from a clock', () => {
  assert.equal(clock(22 * 60 + 5), '22:05');
  assert.equal(minutes('07:30'), 450);
  assert.equal(minutes('25:00'), null);
});
