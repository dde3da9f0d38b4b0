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

/** A failed API call: the server's stable `code`, its message, and the whole body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || 'network';
    this.body = body || {};
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
    throw new ApiError(0, { code: 'network', message: '网络连接失败，请稍后再试' });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/**
 * Follow an SSE stream. `handlers` maps event names to functions of the parsed JSON data; a
 * malformed event is reported, not allowed to blank the page. `onState` hears 'open' / 'down'.
 * EventSource reconnects by itself and resends Last-Event-ID, so nothing is missed.
 */
export function follow(url, handlers, onState) {
  const source = new EventSource(url);
  source.addEventListener('open', () => onState?.('open'));
  // The browser knows of a lost network before the stream does.
  window.addEventListener('offline', () => onState?.('down'));
  source.addEventListener('error', () => onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'down'));
  for (const [name, handle] of Object.entries(handlers)) {
    source.addEventListener(name, (event) => {
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
  return source;
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
