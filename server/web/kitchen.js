// The kitchen board: the tickets to cook, oldest first, ageing from yellow to red. It starts from
// the store's snapshot and then follows the store stream from that point, so a ticket is never
// missed — also across reconnects, when EventSource resends the last event id.
// The board is one of the store's alert devices: while it is connected the server counts it
// online, and when the server escalates an alert nobody heard, the board alarms until it is
// settled or its order moves on.
import { $, el, api, follow, toast, age, alertKey, stillNeeded } from './common.js';

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
/** Escalated alerts still open, by `alertKey`. */
const alarms = new Map();
let source = null;
let audio = null;
let ringing = null;
/** How often the alarm repeats while an escalated alert is open. */
const ALARM_EVERY_MS = 3000;
/** The store of the board's credential, as the server says (`GET /api/credential`). */
let storeId = null;

/**
 * Play `notes` ([frequency Hz, start s, length s]) on the audio the cook's tap allowed; false
 * before that tap, when browsers keep pages silent.
 */
function play(notes, type) {
  if (!audio) return false;
  const now = audio.currentTime;
  for (const [freq, at, length] of notes) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = type;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + at);
    gain.gain.exponentialRampToValueAtTime(0.4, now + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + at + length - 0.05);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + at);
    osc.stop(now + at + length);
  }
  return true;
}

const chime = () => play([[880, 0, 0.4], [1320, 0.18, 0.4]], 'sine');

/** A harsh two-tone siren, unlike the chime, so nobody takes it for one more ticket. */
function alarm() {
  if (!play([[988, 0, 0.3], [740, 0.35, 0.3], [988, 0.7, 0.3], [740, 1.05, 0.3]], 'square')) return;
  // How many times it sounded, for the page's tests to observe.
  const banner = $('#alarm');
  banner.dataset.rings = String(Number(banner.dataset.rings || 0) + 1);
}

function alarmText(alert) {
  return alert.alert === 'order'
    ? `${alert.tableNumber}号桌的订单无人接听，请尽快处理`
    : `${alert.tableNumber}号桌催单无人回应`;
}

/** The red banner, one line per open alarm, oldest first, and the siren while there is any. */
function renderAlarms() {
  const banner = $('#alarm');
  const open = [...alarms.values()].sort((a, b) => a.since - b.since);
  banner.replaceChildren(...open.map((alert) => el('p', {}, alarmText(alert))));
  banner.hidden = open.length === 0;
  if (open.length && !ringing) {
    alarm();
    ringing = setInterval(alarm, ALARM_EVERY_MS);
  } else if (!open.length && ringing) {
    clearInterval(ringing);
    ringing = null;
  }
  banner.dataset.ringing = String(Boolean(ringing));
}

function connection(stateName) {
  $('#conn').dataset.state = stateName === 'open' ? 'open' : 'down';
  $('#conn').textContent = stateName === 'open' ? '已连接' : '重新连接中';
  $('#offline').hidden = stateName === 'open';
  // Refused for good: say why (a device the owner revoked is told to pair again).
  if (stateName === 'closed') api('/api/credential', { token }).catch((error) => toast(error.message, 'error'));
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
    ['submitted', 'paid'].includes(order.status) ? el('span', { class: 'tag' }, '待接单') : null,
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
    .filter((o) => ['submitted', 'paid', 'accepted', 'ready'].includes(o.status))
    .sort((a, b) => (a.status === 'ready') - (b.status === 'ready')
      || (a.paidAt || a.createdAt) - (b.paidAt || b.createdAt));
  $('#tickets').replaceChildren(...open.map(ticket));
  $('#empty').hidden = open.length > 0;
  $('#count').textContent = `${open.filter((o) => o.status !== 'ready').length} 单`;
}

function onStatus(change) {
  for (const [key, alert] of alarms) {
    if (alert.orderId === change.orderId && !stillNeeded(alert, change.to)) alarms.delete(key);
  }
  renderAlarms();
  const order = orders.get(change.orderId);
  if (!order) return;
  if (['completed', 'cancelled', 'rejected'].includes(change.to)) orders.delete(change.orderId);
  else orders.set(change.orderId, { ...order, status: change.to });
  render();
}

function arrived(order) {
  const fresh = !orders.has(order.orderId);
  orders.set(order.orderId, order);
  render();
  if (fresh) chime();
}

async function load() {
  source?.close();
  storeId ??= (await api('/api/credential', { token })).storeId;
  const snapshot = await api(`/api/stores/${storeId}/orders`, { token });
  orders.clear();
  for (const order of snapshot.orders) orders.set(order.orderId, order);
  alarms.clear();
  for (const alert of snapshot.escalated) alarms.set(alertKey(alert), alert);
  render();
  renderAlarms();
  // `device` makes the server count this board online while the stream is open; which device it
  // is (its name in the owner's list), the credential says.
  const query = new URLSearchParams({ token, lastEventId: snapshot.lastEventId, device: 'board' });
  source = follow(`/api/stores/${storeId}/events?${query}`, {
    order_paid: arrived,
    // 先吃后付: a round reaches the kitchen unpaid, exactly as a paid order does.
    order_submitted: arrived,
    order_status: onStatus,
    order_reminder: (reminder) => {
      orders.set(reminder.order.orderId, reminder.order);
      render();
    },
    alert_escalated: (alert) => {
      alarms.set(alertKey(alert), alert);
      renderAlarms();
    },
    alert_settled: (settled) => {
      alarms.delete(alertKey(settled));
      renderAlarms();
    },
    // Our id is older than the server keeps: start again from the snapshot.
    resync: () => load().catch((error) => toast(error.message, 'error')),
  }, connection);
}

if (!token) {
  $('#login').hidden = false;
} else {
  $('#sound-gate').hidden = false;
  $('#enable-sound').addEventListener('click', () => {
    audio = new AudioContext();
    $('#sound-gate').hidden = true;
    // An alarm already ringing silently is heard from this tap on; else the chime says sound works.
    if (ringing) alarm();
    else chime();
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
