// The kitchen board: the tickets to cook, oldest first, ageing from yellow to red. It starts from
// the store's snapshot and then follows the store stream from that point, so a ticket is never
// missed — also across reconnects, when EventSource resends the last event id.
import { $, el, api, follow, toast, age } from './common.js';

const params = new URLSearchParams(location.search);
if (params.get('token')) {
  localStorage.setItem('orderbell.kitchen', params.get('token'));
  params.delete('token');
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}`);
}
const token = localStorage.getItem('orderbell.kitchen');
const warnMinutes = Number(params.get('warn') || 5);
const lateMinutes = Number(params.get('late') || 8);
const orders = new Map();
let source = null;
let audio = null;

// The store id is the credential's second field (`k.<storeId>.<signature>`).
const storeId = token ? Number(token.split('.')[1]) : NaN;

function chime() {
  if (!audio) return;
  const now = audio.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.4, now + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.35);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + i * 0.18);
    osc.stop(now + i * 0.18 + 0.4);
  }
}

function connection(stateName) {
  $('#conn').dataset.state = stateName === 'open' ? 'open' : 'down';
  $('#conn').textContent = stateName === 'open' ? '已连接' : '重新连接中';
  $('#offline').hidden = stateName === 'open';
}

async function act(order, step) {
  try {
    const updated = await api(`/api/orders/${order.orderId}/${step}`, { method: 'POST', token });
    orders.set(updated.orderId, updated);
    render();
  } catch (error) {
    toast(error.message, 'error');
  }
}

/** 'warn' from `warnMinutes`, 'late' from `lateMinutes` (5 and 8 by default). */
function ageClass(since) {
  const minutes = (Date.now() - since) / 60000;
  return minutes >= lateMinutes ? 'late' : minutes >= warnMinutes ? 'warn' : '';
}

function ticket(order) {
  // Age counts from payment: the customer has been waiting since then.
  const since = order.paidAt || order.createdAt;
  const classes = ['ticket', order.status === 'ready' ? 'ready' : ageClass(since)];
  const tags = [
    order.status === 'paid' ? el('span', { class: 'tag' }, '待接单') : null,
    order.status === 'ready' ? el('span', { class: 'tag' }, '已出餐') : null,
    order.reminderCount ? el('span', { class: 'tag hurry' }, `催单 ×${order.reminderCount}`) : null,
  ];
  return el('article', { class: classes.join(' '), dataset: { order: order.orderId } },
    el('div', { class: 'head' }, el('span', { class: 'table' }, order.tableNumber), el('span', { class: 'age', dataset: { since } }, age(since))),
    el('div', {}, order.orderNo, ' ', ...tags),
    el('ul', {}, ...order.items.map((item) =>
      el('li', {}, el('span', { class: 'qty' }, `${item.quantity}×`), item.cuisineName,
        item.remark ? el('span', { class: 'remark' }, '备注：', item.remark) : null))),
    order.status === 'accepted' ? el('button', { class: 'primary', onclick: () => act(order, 'ready') }, '出餐') : null,
    order.status === 'ready' ? el('button', { onclick: () => act(order, 'recall') }, '撤回') : null);
}

function render() {
  const open = [...orders.values()]
    .filter((o) => ['paid', 'accepted', 'ready'].includes(o.status))
    .sort((a, b) => (a.status === 'ready') - (b.status === 'ready') || (a.paidAt || 0) - (b.paidAt || 0));
  $('#tickets').replaceChildren(...open.map(ticket));
  $('#empty').hidden = open.length > 0;
  $('#count').textContent = `${open.filter((o) => o.status !== 'ready').length} 单`;
}

function onStatus(change) {
  const order = orders.get(change.orderId);
  if (!order) return;
  if (['completed', 'cancelled', 'rejected'].includes(change.to)) orders.delete(change.orderId);
  else orders.set(change.orderId, { ...order, status: change.to });
  render();
}

async function load() {
  source?.close();
  const snapshot = await api(`/api/stores/${storeId}/orders`, { token });
  orders.clear();
  for (const order of snapshot.orders) orders.set(order.orderId, order);
  render();
  source = follow(`/api/stores/${storeId}/events?token=${encodeURIComponent(token)}&lastEventId=${snapshot.lastEventId}`, {
    order_paid: (order) => {
      const fresh = !orders.has(order.orderId);
      orders.set(order.orderId, order);
      render();
      if (fresh) chime();
    },
    order_status: onStatus,
    order_reminder: (reminder) => {
      orders.set(reminder.order.orderId, reminder.order);
      render();
    },
    // Our id is older than the server keeps: start again from the snapshot.
    resync: () => load().catch((error) => toast(error.message, 'error')),
  }, connection);
}

if (!token || Number.isNaN(storeId)) {
  $('#login').hidden = false;
} else {
  $('#sound-gate').hidden = false;
  $('#enable-sound').addEventListener('click', () => {
    audio = new AudioContext();
    $('#sound-gate').hidden = true;
    chime();
  });
  load().catch((error) => toast(`加载失败：${error.message}`, 'error'));
  // Ages tick every second and colours follow, in place: rebuilding the tickets would pull the
  // buttons from under a cook's finger.
  setInterval(() => {
    for (const card of document.querySelectorAll('.ticket')) {
      const clock = card.querySelector('.age');
      const since = Number(clock.dataset.since);
      clock.textContent = age(since);
      card.classList.remove('warn', 'late');
      const tone = ageClass(since);
      if (tone && !card.classList.contains('ready')) card.classList.add(tone);
    }
  }, 1000);
}
