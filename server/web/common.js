// Shared by the customer page, the cashier page and the kitchen board.
// Every piece of text that came from a person (names, remarks, replies) is set with textContent,
// never parsed as HTML; the server's Content-Security-Policy backs that up.

export const $ = (selector, root = document) => root.querySelector(selector);

/** Build an element: `el('li', {class: 'x', onclick}, 'text', child)`. Strings become text nodes. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Amounts arrive as JSON numbers with two decimals (38.00); shown as ¥38.00. */
export const money = (amount) => `¥${Number(amount).toFixed(2)}`;

/**
 * What the page says for a refusal, by the server's stable `code`: the server's own message is
 * used only for codes not listed here (rule messages written for customers, such as 「备注最多
 * 100 个字」), so nothing a person reads depends on how the server words its errors.
 */
const SAY = {
  network: () => '网络连接失败，请稍后再试',
  unauthorized: () => '链接已失效，请重新扫描餐桌上的二维码',
  diner_required: () => '请先扫描餐桌上的二维码',
  forbidden: () => '这个链接不属于这里，请重新扫描餐桌上的二维码',
  device_revoked: () => '此设备已被停用，请重新配对',
  reminder_too_soon: (body) => `刚催过单，请 ${body.retryAfterSecs} 秒后再催`,
  order_not_found: () => '订单不存在，可能已被清理',
  table_not_found: () => '桌台不存在，请重新扫描餐桌上的二维码',
  dish_not_found: () => '这道菜已下架，请刷新菜单',
  item_not_in_cart: () => '这道菜已不在购物车里（同桌可能刚删掉了）',
  cart_changed: () => '同桌刚修改了购物车，请确认后再提交',
  store_closed: () => '本店已打烊，购物车会保留，请在营业时间内下单',
  store_paused: () => '商家暂停接单，购物车会保留，请稍后再试或联系服务员',
  internal: () => '服务器出错了，请稍后再试',
  // Refusals of the request's shape: the page sent something the server did not expect.
  invalid_query: () => '请求无效，请刷新页面后再试',
  invalid_path: () => '请求无效，请刷新页面后再试',
  invalid_body: () => '请求无效，请刷新页面后再试',
  malformed_json: () => '请求无效，请刷新页面后再试',
  unsupported_media_type: () => '请求无效，请刷新页面后再试',
  body_too_large: () => '内容太长，请删减后再试',
  route_not_found: () => '请求无效，请刷新页面后再试',
};

/** A failed API call: the server's stable `code`, a Chinese message, and the whole body. */
export class ApiError extends Error {
  constructor(status, body) {
    const known = body && typeof body.code === 'string' ? body : null;
    super(known ? (SAY[known.code]?.(known) ?? known.message) : `服务器暂时无法响应（${status}），请稍后再试`);
    this.status = status;
    this.code = known?.code || 'network';
    this.body = known || {};
  }
}

/** Call the API. `token` goes as a Bearer credential; without it the page's cookie is used. */
export async function api(path, { method = 'GET', body, token } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { code: 'network' });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // Not the server's JSON (a proxy's error page, say): its text is not for the customer.
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The stream's heartbeat interval in ms, as the server wrote it into the page. */
const HEARTBEAT_MS = Number(document.body.dataset.heartbeatSecs) * 1000 || 0;

/**
 * Follow an SSE stream. `handlers` maps event names to functions of the parsed JSON data; a
 * malformed event is reported, not allowed to blank the page. `onState` hears 'open' / 'down' /
 * 'closed'. EventSource reconnects by itself when a connection fails, but not when it goes silent
 * (the server or a router lost power: the socket stays open and nothing arrives), so anything
 * arriving counts as a sign of life, and 2.5 heartbeats without one count as a dead stream: it is
 * closed and opened again from the last event id, so nothing is missed.
 */
export function follow(url, handlers, onState) {
  let source;
  let lastId = '';
  let watchdog;
  let up = false;
  const down = (stateName = 'down') => {
    up = false;
    onState?.(stateName);
  };
  const restartWhenSilent = () => {
    clearTimeout(watchdog);
    if (HEARTBEAT_MS) watchdog = setTimeout(() => {
      down();
      source.close();
      connect();
    }, HEARTBEAT_MS * 2.5);
  };
  const alive = () => {
    restartWhenSilent();
    if (!up) {
      up = true;
      onState?.('open');
    }
  };
  const connect = () => {
    const address = new URL(url, location.href);
    if (lastId) address.searchParams.set('lastEventId', lastId);
    source = new EventSource(address);
    restartWhenSilent();
    source.addEventListener('open', alive);
    source.addEventListener('connected', alive);
    source.addEventListener('heartbeat', alive);
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return down();
      // Refused for good (a credential no longer valid): retrying would not help.
      clearTimeout(watchdog);
      down('closed');
    });
    for (const [name, handle] of Object.entries(handlers)) {
      source.addEventListener(name, (event) => {
        alive();
        if (event.lastEventId) lastId = event.lastEventId;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch (error) {
          console.error(`bad ${name} event`, event.data, error);
          toast('收到一条无法识别的消息，已忽略', 'error');
          return;
        }
        handle(data, event);
      });
    }
  };
  // The browser knows of a lost network before the stream does.
  const offline = () => down();
  window.addEventListener('offline', offline);
  connect();
  return {
    close() {
      clearTimeout(watchdog);
      window.removeEventListener('offline', offline);
      source.close();
    },
  };
}

let toastTimer;
/** A short message at the bottom of the screen. */
export function toast(message, kind = 'info') {
  const box = $('#toast');
  if (!box) return;
  box.textContent = message;
  box.dataset.kind = kind;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 3500);
}

/** `mm:ss` (or `h:mm:ss`) since `since` (ms). */
export function age(since, now = Date.now()) {
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const pad = (n) => String(n).padStart(2, '0');
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(seconds % 60)}` : `${pad(m)}:${pad(seconds % 60)}`;
}

/** The label of an order status, as the server names them. */
export const STATUS_LABEL = {
  pending_payment: '待支付',
  paid: '已支付，等待商家接单',
  accepted: '商家已接单，正在制作',
  ready: '已出餐，请取餐',
  completed: '已完成',
  cancelled: '已取消',
  rejected: '商家已拒单',
};

/** Which alert an `alert_escalated` or `alert_settled` is about: one per order, one per 催单. */
export const alertKey = (alert) => `${alert.orderId}:${alert.alert}:${alert.reminderId ?? 0}`;

/**
 * Whether an escalated alert still needs a person once its order is in `status`, as the server
 * decides it (server/src/alerts): a paid order until it is accepted or rejected, a 催单 while the
 * order is paid or accepted. The pages drop an alarm the moment its order moves on, without
 * waiting for the server's `alert_settled`.
 */
export const stillNeeded = (alert, status) =>
  (alert.alert === 'order' ? status === 'paid' : ['paid', 'accepted'].includes(status));
