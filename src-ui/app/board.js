// The window's logic, free of the DOM: grouping, ages and their colours, status words,
// validation. Tested directly in Node and through the page in Chromium (src-ui/tests).

/** @typedef {import('../bindings/DeskView').DeskView} DeskView */
/** @typedef {import('../bindings/BoardOrder').BoardOrder} BoardOrder */
/** @typedef {import('../bindings/OrderDTO').OrderDTO} OrderDTO */
/** @typedef {import('../bindings/ConnectionView').ConnectionView} ConnectionView */
/** @typedef {import('../bindings/Settings').Settings} Settings */

/**
 * Whether an order still needs a person at the counter: new and not accepted (paid, or a
 * 先吃后付 round submitted unpaid), a 催单 nobody answered while the food is not out, or an alert
 * the server escalated because nobody heard it.
 * @param {BoardOrder} entry
 */
export function needsYou(entry) {
  const status = entry.order.status;
  return awaitsMerchant(status) || entry.unheard || (entry.unanswered && status !== 'ready');
}

/** @param {OrderDTO['status']} status */
export function awaitsMerchant(status) {
  return status === 'paid' || status === 'submitted';
}

/**
 * The merchant's board in the busy hour: what needs a person first, in full; what was handled
 * after it, compact (accepted, then ready). Each lane keeps the board's order, longest waiting first.
 * @param {BoardOrder[]} orders
 */
export function lanes(orders) {
  const needs = orders.filter(needsYou);
  const handled = orders.filter((o) => !needsYou(o));
  return {
    needs,
    accepted: handled.filter((o) => o.order.status === 'accepted'),
    ready: handled.filter((o) => o.order.status === 'ready'),
  };
}

/**
 * The kitchen's tickets: what is still to cook, and what went out.
 * @param {BoardOrder[]} orders
 */
export function tickets(orders) {
  return {
    cooking: orders.filter((o) => awaitsMerchant(o.order.status) || o.order.status === 'accepted'),
    done: orders.filter((o) => o.order.status === 'ready'),
  };
}

/**
 * 「第2轮 加菜」 for a table's later rounds; nothing for a first round or a single order.
 * @param {OrderDTO} order
 */
export function roundLabel(order) {
  return order.round !== null && order.round >= 2 ? `第${order.round}轮 加菜` : null;
}

/**
 * Whether the money is in: a paid order says 已支付; a 先吃后付 round is paid with the bill.
 * @param {OrderDTO} order
 */
export function payLabel(order) {
  return order.paidAt !== null ? '已支付' : '未付·餐后结账';
}

/**
 * How many dishes are still to serve, after 退菜.
 * @param {OrderDTO} order
 */
export function dishesLeft(order) {
  return order.items.reduce((sum, i) => sum + i.quantity - i.returnedQuantity, 0);
}

/**
 * How long the customer has waited: since paying (先吃后付: since submitting).
 * @param {OrderDTO} order
 * @param {number} now ms since the epoch
 */
export function ageMs(order, now) {
  return Math.max(0, now - (order.paidAt ?? order.createdAt));
}

const MINUTE = 60_000;

/**
 * An age in whole minutes: a clock that changes once a minute costs the window next to nothing
 * while it idles, where seconds had every card redrawn every second.
 * @param {number} ms
 */
export function formatAge(ms) {
  const total = Math.floor(ms / MINUTE);
  if (total < 1) return '刚刚';
  if (total < 60) return `${total} 分钟`;
  return `${Math.floor(total / 60)} 小时 ${total % 60} 分`;
}

/**
 * How long until `ms` (an age, or a time) reaches its next whole minute.
 * @param {number} ms
 */
export function untilNextMinute(ms) {
  return MINUTE - (Math.max(0, ms) % MINUTE);
}

/**
 * The ticket's colour: '' fresh, 'warn' (yellow) and 'late' (red) after the settings' minutes.
 * @param {OrderDTO} order
 * @param {number} now
 * @param {Pick<Settings, 'kitchenYellowMins' | 'kitchenRedMins'>} settings
 */
export function ageLevel(order, now, settings) {
  return levelAt(ageMs(order, now), settings);
}

/**
 * @param {number} ms an age
 * @param {Pick<Settings, 'kitchenYellowMins' | 'kitchenRedMins'>} settings
 * @returns {'' | 'warn' | 'late'}
 */
export function levelAt(ms, settings) {
  const minutes = ms / MINUTE;
  if (minutes >= settings.kitchenRedMins) return 'late';
  if (minutes >= settings.kitchenYellowMins) return 'warn';
  return '';
}

/**
 * What the status pill says, and whether the banner shows.
 * @param {ConnectionView} c
 * @param {number} now
 * @returns {{text: string, level: 'ok' | 'busy' | 'bad', banner: string | null}}
 */
export function connectionText(c, now) {
  const retry = c.retryInMs > 0 ? `，${Math.ceil(c.retryInMs / 1000)} 秒后重试` : '';
  switch (c.state) {
    case 'live':
      return { text: '已连接', level: 'ok', banner: null };
    case 'connecting':
      return { text: '正在连接…', level: 'busy', banner: null };
    case 'reconnecting':
      return { text: `正在重连（第 ${c.attempt} 次${retry}）`, level: 'busy', banner: null };
    case 'lost': {
      const secs = Math.max(0, Math.floor((now - c.sinceMs) / 1000));
      const down = secs < 60 ? ` ${secs} 秒` : `约 ${Math.floor(secs / 60)} 分钟`;
      return {
        text: '连接已断开',
        level: 'bad',
        banner: `与服务器的连接已断开${down}，正在自动重连${retry}。恢复后，断线期间的订单会补报。`,
      };
    }
    case 'unreachable':
      return { text: '连不上服务器', level: 'bad', banner: `连不上服务器，请检查地址是否正确${retry}。` };
    case 'refused':
      return { text: '凭证无效', level: 'bad', banner: '凭证无效或已停用，请重新配对。' };
    case 'revoked':
      return { text: '设备已停用', level: 'bad', banner: '此设备已被停用，请重新配对。' };
  }
  return { text: '', level: 'busy', banner: null };
}

/**
 * Why a custom reply cannot be sent, or null.
 * @param {string} text
 * @param {number} max
 */
export function replyProblem(text, max) {
  const length = [...text.trim()].length;
  if (length === 0) return '请输入回复内容';
  if (length > max) return `回复最多 ${max} 个字（现在 ${length} 个）`;
  return null;
}

/**
 * 「宫保鸡丁×2、米饭×1」: what is still to serve; a dish taken back (退菜) is not in it.
 * @param {OrderDTO} order
 */
export function itemsLine(order) {
  return order.items
    .filter((i) => i.quantity > i.returnedQuantity)
    .map((i) => `${i.cuisineName}×${i.quantity - i.returnedQuantity}`)
    .join('、');
}

/** @param {number} amount */
export function money(amount) {
  return `¥${amount.toFixed(2)}`;
}

/** "22:30" ⇄ minutes after midnight, for quiet hours. */
/** @param {number} minutes */
export function clock(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** @param {string} text */
export function minutes(text) {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]) * 60 + Number(match[2]);
  return value < 1440 ? value : null;
}
