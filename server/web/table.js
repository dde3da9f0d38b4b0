// The customer's page, opened by the table's QR link. Everyone at the table shares one cart: the
// page follows the table's stream and redraws on every `cart_update`, whoever made the change.
// In 先付后吃 each order is paid before the kitchen hears of it (the order view); in 先吃后付 it
// goes to the kitchen at once as a round of the table's bill (bill.js).
import { $, el, money, follow, toast, STATUS_LABEL, alertKey, stillNeeded } from './common.js';
import { renderMenu, setContents, watchMenu } from './customer-menu.js';
import { api, initBill, loadBill, showBill, payLater, billEnded, submitting, submitted, paidWhileAway } from './bill.js';
import { choosePayment, closePayment, simulatorOnly, resumes } from './pay.js';
import { Refunds } from './refunds.js';

const tableId = Number(location.pathname.split('/')[2]);
const state = {
  me: null, store: null, cart: null, dishes: new Map(), order: null, orderToken: null, orderStream: null, picking: null,
  // The order's alerts the server escalated (nobody at the restaurant heard them), by `alertKey`.
  unheard: new Map(),
  // What is owed back on the order, and where it stands.
  refunds: new Refunds(),
};
const orderKey = `orderbell.order.${tableId}`;
const payingKey = (orderId) => `orderbell.paying.${orderId}`;
// The server's limits (server/src/carts/rules.rs); the remark is counted in characters, as the
// server counts them, not in UTF-16 units.
const MAX_QUANTITY = 99;
const MAX_REMARK_CHARS = 100;
/** How often the page asks whether anyone at the restaurant would hear an order, and whether the
 * store is open (the hours pass, the owner pauses). */
const PRESENCE_EVERY_MS = 30_000;

function show(view) {
  // A bill that ended takes no more dishes: the menu and the bars go.
  const ended = billEnded();
  $('#menu-view').hidden = view !== 'menu' || ended;
  $('#order-view').hidden = view !== 'order';
  $('#bill-view').hidden = view !== 'bill';
  $('#cart-bar').hidden = view !== 'menu' || ended;
  $('#bill-bar').hidden = view !== 'bill' || ended;
  if (view === 'bill') window.scrollTo(0, 0);
}

let lost = false;
function connection(stateName) {
  const open = stateName === 'open';
  const badge = $('#conn');
  badge.dataset.state = open ? 'open' : 'down';
  badge.textContent = open ? '已连接' : '重新连接中';
  $('#offline').hidden = open;
  if (!open) lost = true;
  // Refused for good: most likely this party's sitting is over, which reading the bill tells.
  if (stateName === 'closed') loadBill();
  else if (open && lost) {
    lost = false;
    refresh();
  }
}

// Back after a drop: load the cart and the order as they are now, whatever the streams replay.
async function refresh() {
  try {
    renderCart(await api(`/api/store/order/cart/${tableId}`));
    loadBill();
    // A dish sold out or a pause while the page was away: no event will say so again.
    loadMenu();
    loadStore();
    if (state.order) {
      showOrder(await api(`/api/orders/${state.order.orderId}`, { token: state.orderToken }));
      loadRefunds();
    }
  } catch (error) {
    toast(error.message, 'error');
  }
}

// Before anyone orders (on the menu): would the restaurant hear it? Said, never blocking: a waiter
// can take the order.
async function checkPresence() {
  try {
    const presence = await api(`/api/tables/${tableId}/presence`);
    $('#merchant-away').hidden = presence.merchantOnline;
  } catch {
    // The connection badge already says when the network is down; the notice keeps its last word.
  }
}

// ---- the store: its name, announcement, and whether it takes orders now ----
const STORE_STATE = {
  closed: (store) => ['已打烊', store.hoursText ? `营业时间：${store.hoursText}。购物车会保留，营业后再下单` : '暂不接单，购物车会保留'],
  paused: () => ['暂停接单', '商家正忙，购物车会保留，请稍后再下单或联系服务员'],
};

function renderStore(store) {
  state.store = store;
  $('#store-name').textContent = store.name;
  const logo = $('#store-logo');
  const picture = store.logoThumbnail || store.logo;
  if (picture) logo.src = picture;
  logo.hidden = !picture;
  $('#announcement').textContent = store.announcement || '';
  $('#announcement').hidden = !store.announcement;
  const words = STORE_STATE[store.state]?.(store);
  $('#store-state').hidden = !words;
  $('#store-state').dataset.state = store.state;
  $('#store-state-title').textContent = words?.[0] ?? '';
  $('#store-state-detail').textContent = words?.[1] ?? '';
  updateSubmit();
}

async function loadStore() {
  try {
    renderStore(await api(`/api/stores/${state.me.storeId}`));
  } catch {
    // Ordering still works; the server refuses an order the store cannot take, and says why.
  }
}

// ---- menu ----
function showMenu(menu) {
  state.dishes = renderMenu(menu, pick);
  if (!state.store) $('#store-name').textContent = menu.storeName;
  // An open dish sheet and the cart follow the menu: a dish just sold out cannot be added.
  if (state.picking) showPicked(state.dishes.get(state.picking.dish.cuisineId) ?? state.picking.dish);
  if (state.cart) renderCart(state.cart);
}

async function loadMenu() {
  try {
    showMenu(await api(`/api/stores/${state.me.storeId}/menu`));
  } catch (error) {
    toast(`菜单加载失败：${error.message}`, 'error');
  }
}

function pick(dish) {
  state.picking = { dish, quantity: 1 };
  $('#dish-remark').value = '';
  showPicked(dish);
  showQuantity();
  checkRemark();
  $('#dish-sheet').hidden = false;
}

/** The dish's sheet: its full photo, words and set contents; a sold-out dish cannot be added. */
function showPicked(dish) {
  state.picking.dish = dish;
  $('#dish-name').textContent = dish.cuisineName;
  $('#dish-price').textContent = money(dish.unitPrice);
  const photo = $('#dish-photo');
  if (dish.cuisineImage) photo.src = dish.cuisineImage;
  photo.hidden = !dish.cuisineImage;
  $('#dish-desc').textContent = dish.description || '';
  $('#dish-desc').hidden = !dish.description;
  $('#dish-set').textContent = setContents(dish);
  $('#dish-set').hidden = !dish.setItems?.length;
  $('#dish-add').textContent = dish.soldOut ? '已售罄' : '加入购物车';
  checkRemark();
}

// The buttons stop at the limits instead of doing nothing when tapped there.
function showQuantity() {
  const { quantity } = state.picking;
  $('#dish-qty').textContent = String(quantity);
  $('#dish-minus').disabled = quantity <= 1;
  $('#dish-plus').disabled = quantity >= MAX_QUANTITY;
  $('#dish-limit').hidden = quantity < MAX_QUANTITY;
}

function step(delta) {
  if (!state.picking) return;
  state.picking.quantity = Math.min(MAX_QUANTITY, Math.max(1, state.picking.quantity + delta));
  showQuantity();
}

/** Count the remark as the server will (trimmed, in characters); an over-long one is refused, never cut. */
function checkRemark() {
  const length = [...$('#dish-remark').value.trim()].length;
  const over = length > MAX_REMARK_CHARS;
  const count = $('#remark-count');
  count.textContent = `${length}/${MAX_REMARK_CHARS}`;
  count.classList.toggle('over', over);
  $('#remark-error').textContent = over ? `备注最多 ${MAX_REMARK_CHARS} 个字，请删掉 ${length - MAX_REMARK_CHARS} 个字` : '';
  $('#remark-error').hidden = !over;
  $('#dish-add').disabled = over || Boolean(state.picking?.dish.soldOut);
  return !over;
}

async function addPicked() {
  if (!checkRemark() || state.picking.dish.soldOut) return;
  const { dish, quantity } = state.picking;
  const remark = $('#dish-remark').value.trim() || null;
  try {
    renderCart(await api('/api/store/order/cart/add', {
      method: 'POST', body: { tableId, cuisineId: dish.cuisineId, quantity, remark },
    }));
    $('#dish-sheet').hidden = true;
    toast(`已加入 ${dish.cuisineName}`);
  } catch (error) {
    toast(error.message, 'error');
    if (error.code === 'dish_sold_out') loadMenu();
  }
}

// ---- the shared cart ----
/**
 * Who put a line in the cart, in words the table can tell apart: the end of the diner's phone
 * when they gave one (with their number too if another diner's phone ends the same), else their
 * diner number, which is unique.
 */
function who(item, items) {
  const id = item.addUserId;
  if (id === state.me.dinerId) return '我加的';
  if (id == null) return '同桌加的';
  const tail = item.addUserPhone?.slice(-4);
  if (!tail) return `${id}号食客加的`;
  const shared = items.some((other) => other.addUserId !== id && other.addUserPhone?.slice(-4) === tail);
  return shared ? `尾号${tail}（${id}号）加的` : `尾号${tail}加的`;
}

/** A cart line whose dish is sold out, as the cart or (sooner, after a `menu_update`) the menu says. */
const soldOut = (item) => item.soldOut || Boolean(state.dishes.get(item.cuisineId)?.soldOut);

/** 去下单 only when the store takes orders and nothing in the cart is sold out; else say why. */
function updateSubmit() {
  const button = $('#submit');
  const items = state.cart?.items ?? [];
  const gone = items.filter(soldOut).map((item) => `「${item.cuisineName}」`);
  const storeState = state.store?.state ?? 'open';
  button.disabled = items.length === 0 || gone.length > 0 || storeState !== 'open';
  // 先吃后付 has no payment step: the button sends the round to the kitchen.
  button.textContent = { closed: '已打烊', paused: '暂停接单' }[storeState] ?? (payLater(state.store) ? '下单' : '去下单');
  const why = gone.length ? `${gone.join('')}已售罄，请从购物车移除后再下单` : '';
  for (const line of [$('#submit-blocked'), $('#cart-blocked')]) {
    line.textContent = why;
    line.hidden = !why;
  }
}

function renderCart(cart) {
  // Answers and pushed updates can cross: never step back to an older cart.
  if (state.cart && cart.version < state.cart.version) return;
  state.cart = cart;
  $('#cart-count').textContent = String(cart.totalQuantity);
  $('#cart-total').textContent = money(cart.totalAmount);
  updateSubmit();
  $('#cart-empty').hidden = cart.items.length > 0;
  $('#cart-items').replaceChildren(...cart.items.map((item) =>
    el('li', { class: soldOut(item) ? 'cart-item sold-out' : 'cart-item', dataset: { dish: item.cuisineId } },
      el('div', { class: 'info' },
        el('div', { class: 'name' }, item.cuisineName, soldOut(item) ? el('span', { class: 'tag' }, '已售罄') : null),
        el('div', { class: 'who' }, who(item, cart.items), ' · ', money(item.subtotalAmount)),
        item.remark ? el('div', { class: 'remark' }, '备注：', item.remark) : null),
      el('div', { class: 'stepper' },
        el('button', { 'aria-label': '减少', onclick: () => setQuantity(item, item.quantity - 1) }, '−'),
        el('span', { class: 'qty' }, String(item.quantity)),
        el('button', {
          'aria-label': '增加',
          disabled: item.quantity >= MAX_QUANTITY || soldOut(item),
          title: item.quantity >= MAX_QUANTITY ? `每道菜最多 ${MAX_QUANTITY} 份` : undefined,
          onclick: () => setQuantity(item, item.quantity + 1),
        }, '+')))));
}

async function setQuantity(item, quantity) {
  const query = `tableId=${tableId}&cuisineId=${item.cuisineId}`;
  try {
    const cart = quantity < 1
      ? await api(`/api/store/order/cart/remove?${query}`, { method: 'DELETE' })
      : await api(`/api/store/order/cart/update?${query}&quantity=${quantity}`, { method: 'PUT' });
    renderCart(cart);
  } catch (error) {
    toast(error.message, 'error');
  }
}

async function clearCart() {
  if (!confirm('清空同桌共享的购物车？')) return;
  try {
    renderCart(await api(`/api/store/order/cart/clear?tableId=${tableId}`, { method: 'DELETE' }));
  } catch (error) {
    toast(error.message, 'error');
  }
}

// ---- the order ----
async function submitOrder() {
  const cart = state.cart;
  // One key per reviewed cart: a double tap, or a retry after a dropped answer, makes one order.
  const idempotencyKey = `d${state.me.dinerId}-v${cart.version}`;
  submitting();
  try {
    const { order, token } = await api('/api/orders', { method: 'POST', body: { tableId, idempotencyKey, cartVersion: cart.version } });
    $('#cart-sheet').hidden = true;
    submitted(order);
    // A round of the table's bill (先吃后付) is followed on the bill; an order to pay, on its own.
    if (order.status === 'submitted') return toast('已下单，厨房开始制作');
    localStorage.setItem(orderKey, JSON.stringify({ orderId: order.orderId, token }));
    openOrder(order.orderId, token, order);
  } catch (error) {
    submitted(null);
    toast(error.message, 'error');
    // The page's word was stale: show the store and the menu as they are now.
    if (['store_closed', 'store_paused'].includes(error.code)) loadStore();
    if (error.code === 'dish_sold_out') loadMenu();
  }
}

function renderOrder(order) {
  state.order = order;
  $('#order-no').textContent = order.orderNo;
  $('#order-table').textContent = `${order.tableNumber} 桌`;
  const statusLine = $('#order-status');
  statusLine.textContent = order.status === 'paid' ? '支付成功' : STATUS_LABEL[order.status];
  statusLine.classList.toggle('paid-flash', order.status === 'paid');
  if (order.rejectReason) statusLine.append(`：${order.rejectReason}`);
  const pending = order.status === 'pending_payment';
  $('#pay').hidden = !pending;
  $('#cancel').hidden = !pending;
  $('#waiting').hidden = !(pending && localStorage.getItem(payingKey(order.orderId)));
  // Paid (or cancelled, or timed out): nothing left to pay.
  if (!pending) closePayment();
  $('#hurry').hidden = !['paid', 'accepted'].includes(order.status);
  $('#order-total').textContent = money(order.totalAmount);
  showRefunds();
  $('#order-items').replaceChildren(...order.items.map((item) =>
    el('li', { class: 'cart-item' },
      el('div', { class: 'info' }, el('div', {}, item.cuisineName, ' × ', String(item.quantity)),
        item.remark ? el('div', { class: 'remark' }, '备注：', item.remark) : null),
      el('span', { class: 'price' }, money(item.subtotalAmount)))));
  $('#my-order').hidden = false;
}

function showRefunds() {
  const words = state.refunds.words();
  $('#order-refunds').textContent = words.join('\n');
  $('#order-refunds').hidden = words.length === 0;
}

async function loadRefunds() {
  try {
    state.refunds.reset(await api(`/api/orders/${state.order.orderId}/refunds`, { token: state.orderToken }));
    showRefunds();
  } catch {
    // The order stream's `refund_update`s still tell the page; nothing to say meanwhile.
  }
}

/** The order as the server returns it, with the wait before the next 催单 (after a reload, say). */
function showOrder(view) {
  renderOrder(view);
  if (view.reminderWaitSecs) countdown(view.reminderWaitSecs);
}

/** The red banner while the restaurant has yet to hear one of the order's alerts. */
const showUnheard = () => ($('#unheard').hidden = state.unheard.size === 0);

async function openOrder(orderId, token, known) {
  state.orderToken = token;
  state.refunds = new Refunds();
  show('order');
  try {
    showOrder(known || await api(`/api/orders/${orderId}`, { token }));
  } catch (error) {
    if (error.status === 404 || error.status === 403) return forgetOrder();
    toast(error.message, 'error');
  }
  if (state.order) loadRefunds();
  // Back from WeChat's OAuth in the middle of paying this order: carry on.
  if (state.order?.status === 'pending_payment' && resumes(`order:${orderId}`)) pay();
  state.orderStream?.close();
  state.unheard.clear();
  // The order's stream replays its whole story, so a reload lands on the current status, and on
  // whether the restaurant has yet to hear it.
  state.orderStream = follow(`/api/orders/${orderId}/events?token=${encodeURIComponent(token)}`, {
    order_status: (change) => {
      for (const [key, alert] of state.unheard) if (!stillNeeded(alert, change.to)) state.unheard.delete(key);
      showUnheard();
      if (!state.order) return;
      if (change.to === 'paid') localStorage.removeItem(payingKey(orderId));
      renderOrder({ ...state.order, status: change.to, rejectReason: change.reason || state.order.rejectReason });
    },
    alert_escalated: (alert) => {
      state.unheard.set(alertKey(alert), alert);
      showUnheard();
    },
    alert_settled: (settled) => {
      state.unheard.delete(alertKey(settled));
      showUnheard();
    },
    refund_update: (refund) => {
      state.refunds.update(refund);
      showRefunds();
    },
    reminder_reply: (reply) => {
      const box = $('#reply');
      box.textContent = `商家回复：${reply.text}`;
      box.hidden = false;
    },
  }, connection);
}

function forgetOrder() {
  state.orderStream?.close();
  state.order = null;
  state.unheard.clear();
  showUnheard();
  localStorage.removeItem(orderKey);
  $('#my-order').hidden = true;
  show('menu');
}

/** The order is being paid on a provider's page: back here, the page says 支付处理中. */
const leaving = (orderId) => () => localStorage.setItem(payingKey(orderId), '1');

async function pay() {
  const { orderId } = state.order;
  const token = state.orderToken;
  try {
    if (await simulatorOnly()) {
      leaving(orderId)();
      // The token travels in the fragment: never sent to the server in a URL, never in a Referer.
      location.href = `/pay/${orderId}#${encodeURIComponent(token)}`;
      return;
    }
  } catch (error) {
    return toast(error.message, 'error');
  }
  choosePayment({
    title: `支付订单 ${state.order.orderNo}`,
    amount: state.order.totalAmount,
    key: `order:${orderId}`,
    charge: (request) => api(`/api/orders/${orderId}/charges`, { method: 'POST', token, body: request }),
    leaving: leaving(orderId),
  });
}

async function cancelOrder() {
  try {
    renderOrder(await api(`/api/orders/${state.order.orderId}/cancel`, { method: 'POST', token: state.orderToken }));
  } catch (error) {
    toast(error.message, 'error');
  }
}

let hurryTimer;
function countdown(seconds) {
  const button = $('#hurry');
  clearInterval(hurryTimer);
  let left = seconds;
  const tick = () => {
    button.disabled = left > 0;
    button.textContent = left > 0 ? `催单（${left} 秒后可再催）` : '催单';
    left -= 1;
    if (left < 0) clearInterval(hurryTimer);
  };
  tick();
  hurryTimer = setInterval(tick, 1000);
}

async function hurry() {
  try {
    const receipt = await api(`/api/orders/${state.order.orderId}/reminders`, { method: 'POST', token: state.orderToken });
    toast('已提醒商家尽快出餐');
    countdown(Math.ceil((receipt.nextAllowedAt - Date.now()) / 1000));
  } catch (error) {
    if (error.code === 'reminder_too_soon') countdown(error.body.retryAfterSecs);
    toast(error.message, 'error');
  }
}

// ---- start ----
async function start() {
  try {
    state.me = await api('/api/session');
  } catch (error) {
    if (error.code === 'bill_closed' && await paidWhileAway(tableId, show)) {
      $('#conn').hidden = true;
      return;
    }
    const notice = $('#notice');
    notice.textContent = error.status === 401 || error.status === 403
      ? '请扫描餐桌上的二维码开始点餐'
      : `加载失败：${error.message}`;
    notice.hidden = false;
    return;
  }
  $('#table-number').textContent = `${state.me.tableNumber} 桌`;
  checkPresence();
  const presence = setInterval(() => {
    checkPresence();
    loadStore();
  }, PRESENCE_EVERY_MS);
  let tableStream;
  initBill(tableId, state.me, {
    show,
    // The sitting is over: nothing more to hear or send.
    ended() {
      tableStream?.close();
      clearInterval(presence);
      $('#conn').hidden = true;
      $('#offline').hidden = true;
      for (const sheet of ['#cart-sheet', '#dish-sheet']) $(sheet).hidden = true;
    },
  });
  await Promise.all([loadStore(), loadMenu(), loadBill()]);
  if (billEnded()) return;
  updateSubmit();
  show('menu');
  watchMenu();
  // A `menu_update` (a dish sold out or back, a price changed) is only a version: read the menu
  // again. A `bill_update` is the whole bill, whichever phone (or the counter) changed it.
  tableStream = follow(`/api/store/order/sse/${tableId}`, { cart_update: renderCart, menu_update: loadMenu, bill_update: showBill }, connection);
  const saved = JSON.parse(localStorage.getItem(orderKey) || 'null');
  if (saved && !payLater(state.store)) openOrder(saved.orderId, saved.token);
}

$('#dish-minus').addEventListener('click', () => step(-1));
$('#dish-plus').addEventListener('click', () => step(1));
$('#dish-add').addEventListener('click', addPicked);
$('#dish-remark').addEventListener('input', checkRemark);
$('#close-dish').addEventListener('click', () => ($('#dish-sheet').hidden = true));
$('#cart-toggle').addEventListener('click', () => ($('#cart-sheet').hidden = !$('#cart-sheet').hidden));
$('#close-cart').addEventListener('click', () => ($('#cart-sheet').hidden = true));
$('#clear').addEventListener('click', clearCart);
$('#submit').addEventListener('click', submitOrder);
$('#pay').addEventListener('click', pay);
$('#cancel').addEventListener('click', cancelOrder);
$('#hurry').addEventListener('click', hurry);
$('#back-to-menu').addEventListener('click', () => {
  const finished = ['completed', 'cancelled', 'rejected'].includes(state.order?.status);
  if (finished) forgetOrder();
  else show('menu');
});
$('#my-order').addEventListener('click', () => show('order'));
start();
