// The table's bill on the customer's page (先吃后付): every round the table submitted, with its
// status, who added each dish and the running total, the same on every phone at the table. The
// server pushes the whole bill (`bill_update` on the table's stream) whenever it changes, so the
// page only draws what it is told. Once the bill is settled or closed, or the party moved to
// another table, the page stops offering changes.
import { $, el, money, api as request, toast } from './common.js';
import { choosePayment, closePayment, simulatorOnly, resumes } from './pay.js';

/** A round's status in the words the table uses. */
const ROUND_STATUS = {
  pending_payment: '待支付',
  submitted: '已下单',
  paid: '已下单',
  accepted: '制作中',
  ready: '已出餐',
  completed: '已出餐',
  cancelled: '已取消',
  rejected: '商家已拒单',
};
/** The rounds the kitchen has yet to serve: 催单 is offered on these (as the server allows it). */
const HURRYABLE = ['submitted', 'paid', 'accepted'];

const bill = {
  tableId: null,
  me: null,
  current: null,
  /** The rounds this phone submitted: any other new round was 同桌's. */
  mine: new Set(),
  /** While this phone's own submit is under way, new rounds wait here to be told apart. */
  submitting: null,
  /** When 催单 may be pressed again, by order id (ms). */
  hurryAt: new Map(),
  /** This phone is paying online, until the bill says how it went. */
  paying: false,
  /** What the server charged for it (its 202 answer's `owed`, or the charge's amount). */
  charged: null,
  /** This phone went to a provider's page to pay, and came back: 支付处理中 until the bill says. */
  away: false,
  ended: false,
  hooks: { show() {}, ended() {} },
};

/**
 * The page's API calls, through here: a refusal with `bill_closed` (this party's sitting is over:
 * settled, closed or moved while the page was away) ends the page wherever it happens.
 */
export async function api(path, options) {
  try {
    return await request(path, options);
  } catch (error) {
    if (error.code === 'bill_closed') closedByServer();
    throw error;
  }
}

/** Start the bill for this page: `show(view)` switches the page's view, `ended()` stops its
 * streams and timers. */
export function initBill(tableId, me, hooks) {
  Object.assign(bill, { tableId, me, hooks });
  $('#add-more').addEventListener('click', () => hooks.show('menu'));
  $('#checkout').addEventListener('click', checkout);
  $('#close-pay').addEventListener('click', () => ($('#pay-sheet').hidden = true));
  $('#pay-bill').addEventListener('click', payBill);
  $('#open-bill').addEventListener('click', () => hooks.show('bill'));
  setInterval(showHurry, 1000);
}

/** The mode orders go in: the open bill's (fixed when the party sat down), else the store's. */
export const payLater = (store) => (bill.current?.mode ?? store?.orderingMode) === 'pay_later';

export const billEnded = () => bill.ended;

/** Read the table's open bill (on start, and back after a drop). */
export async function loadBill() {
  try {
    showBill(await api(`/api/tables/${bill.tableId}/bill`));
    backFromPaying();
  } catch (error) {
    // No open bill yet, or a server without bills: the page orders as 先付后吃 does.
    if (!['no_open_bill', 'route_not_found', 'bill_closed'].includes(error.code)) toast(error.message, 'error');
  }
}

/** This phone is submitting the cart: rounds that appear meanwhile may be its own. */
export function submitting() {
  bill.submitting = [];
}

/** This phone's submit ended: `order` is the round it made (none if refused). */
export function submitted(order) {
  if (order) bill.mine.add(order.orderId);
  const heard = bill.submitting ?? [];
  bill.submitting = null;
  tellNewRounds(heard);
  if (order?.status !== 'submitted') return;
  bill.hooks.show('bill');
  // The round shows at once even if the table's stream is down just now.
  loadBill();
}

function tellNewRounds(rounds) {
  const theirs = rounds.filter((round) => !bill.mine.has(round.orderId));
  if (theirs.length === 0) return;
  toast('同桌已下单');
  // The shared cart went with that round: what the table ordered is what to see now.
  $('#cart-sheet').hidden = true;
  bill.hooks.show('bill');
}

/** Whether the party is done at this table: its bill settled, closed, or moved (换桌: the bill
 * sits at another table now, whose phones it stays open for) or merged (并台) elsewhere. */
const goneFrom = (next) => next.status !== 'open' || next.tableId !== bill.tableId;

/** A bill from the server (a read or a `bill_update`): draw it, and say what is new. */
export function showBill(next) {
  if (next.mode !== 'pay_later' && !bill.current) return;
  // An answer that left the server before the bill ended (a read crossing the update) changes nothing.
  if (bill.ended && !goneFrom(next)) return;
  const known = new Set((bill.current?.rounds ?? []).map((round) => round.orderId));
  const fresh = bill.current ? next.rounds.filter((round) => !known.has(round.orderId)) : [];
  bill.current = next;
  // The bill changed under the payment (同桌加菜, 退菜): the money paid does not match what is
  // owed now, so the server records it to be refunded and the bill stays open.
  if (bill.charged !== null && next.status === 'open' && Number(next.owed) !== bill.charged) {
    bill.paying = false;
    bill.away = false;
    bill.charged = null;
    localStorage.removeItem(payingKey());
    closePayment();
    toast('账单刚有变化，刚才的付款会退回，请按新金额重新结账', 'error');
  }
  draw();
  if (bill.submitting) bill.submitting.push(...fresh);
  else tellNewRounds(fresh);
  if (goneFrom(next)) end();
}

function draw() {
  const current = bill.current;
  const diners = new Map(current.diners.map((d) => [d.dinerId, d.label]));
  const who = (id) => (id === bill.me?.dinerId ? '我' : diners.get(id) ?? '同桌');
  $('#bill-title').textContent = `${current.tableNumber} 桌的账单`;
  // The merchant's answer to each round's 催单, and the rounds nobody at the restaurant heard:
  // this page follows the bill, not each round's own stream, so the bill carries them.
  const replies = new Map((current.replies ?? []).map((reply) => [reply.orderId, reply.text]));
  $('#bill-rounds').replaceChildren(...current.rounds.map((round, i) => drawRound(round, i, who, replies.get(round.orderId))));
  $('#bill-unheard').hidden = bill.ended || (current.unheard ?? []).length === 0;
  $('#bill-empty').hidden = current.rounds.length > 0;
  $('#bill-total').textContent = money(current.total);
  $('#bill-paid').textContent = money(current.paid);
  $('#bill-paid-line').hidden = Number(current.paid) === 0;
  $('#bill-owed').textContent = money(current.owed);
  $('#bill-bar-owed').textContent = money(current.owed);
  $('#pay-amount').textContent = money(current.owed);
  $('#checkout').disabled = Number(current.owed) === 0 || bill.paying;
  $('#pay-bill').disabled = bill.paying;
  $('#pay-waiting').hidden = !(bill.paying || bill.away) || current.status !== 'open';
  $('#open-bill').hidden = current.rounds.length === 0;
  $('#open-bill-rounds').textContent = String(current.rounds.length);
  showHurry();
}

function drawRound(round, index, who, reply) {
  const status = ROUND_STATUS[round.status] ?? round.status;
  return el('li', { class: 'round card', dataset: { order: round.orderId, status: round.status } },
    el('header', {},
      el('strong', {}, `第 ${round.round ?? index + 1} 轮`),
      el('span', { class: 'round-status' }, status, round.rejectReason ? `：${round.rejectReason}` : ''),
      HURRYABLE.includes(round.status) && !bill.ended ? el('button', { class: 'hurry', onclick: () => hurry(round) }, '催单') : null),
    el('ul', { class: 'plain' }, ...round.items.map((item) => drawLine(item, who))),
    el('p', { class: 'round-total' }, '小计 ', el('span', { class: 'price' }, money(round.totalAmount))),
    reply ? el('p', { class: 'reply' }, `商家回复：${reply}`) : null);
}

/** One dish of a round: who added it; a line all returned (退菜) struck through, a part returned said. */
function drawLine(item, who) {
  const returned = item.returnedQuantity ?? 0;
  const gone = returned >= item.quantity;
  return el('li', { class: gone ? 'bill-line returned' : 'bill-line' },
    el('div', { class: 'info' },
      el('div', { class: 'name' }, item.cuisineName, ' × ', String(item.quantity)),
      el('div', { class: 'who' }, `${who(item.addUserId)}加的`),
      item.remark ? el('div', { class: 'remark' }, '备注：', item.remark) : null,
      returned > 0 ? el('div', { class: 'return-note' }, gone ? '已退菜，不收费' : `已退 ${returned} 份，不收费`) : null),
    el('span', { class: 'price' }, money(item.subtotalAmount)));
}

// ---- 催单, per round ----
async function hurry(round) {
  try {
    const receipt = await api(`/api/orders/${round.orderId}/reminders`, { method: 'POST' });
    toast(`已提醒商家尽快出第 ${round.round} 轮`);
    bill.hurryAt.set(round.orderId, receipt.nextAllowedAt);
  } catch (error) {
    if (error.code === 'reminder_too_soon') bill.hurryAt.set(round.orderId, Date.now() + error.body.retryAfterSecs * 1000);
    toast(error.message, 'error');
  }
  showHurry();
}

/** Each round's 催单 button, waiting out the time before it may be pressed again. */
function showHurry() {
  for (const button of document.querySelectorAll('#bill-rounds .hurry')) {
    const orderId = Number(button.closest('.round').dataset.order);
    const left = Math.ceil(((bill.hurryAt.get(orderId) ?? 0) - Date.now()) / 1000);
    button.disabled = left > 0;
    button.textContent = left > 0 ? `催单（${left} 秒）` : '催单';
  }
}

// ---- paying the whole bill online ----
/** Kept while this phone pays on a provider's page: the bill and the amount charged. */
const payingKey = () => `orderbell.paying.bill.${bill.tableId}`;
const payingMark = () => JSON.parse(localStorage.getItem(payingKey()) || 'null');

async function checkout() {
  const current = bill.current;
  try {
    // The built-in simulator: one tap on the sheet pays, as before real providers.
    if (await simulatorOnly()) {
      $('#pay-sheet').hidden = false;
      return;
    }
  } catch (error) {
    return toast(error.message, 'error');
  }
  choosePayment({
    title: '结账：整桌一起付',
    hint: '付的是同桌所有人点的菜；付完后这一桌就结账了',
    amount: current.owed,
    key: `bill:${current.billId}`,
    charge: (body) => api(`/api/bills/${current.billId}/charges`, { method: 'POST', body }),
    created: (charge) => (bill.charged = Number(charge.amount)),
    leaving: () => localStorage.setItem(payingKey(), JSON.stringify({ billId: current.billId, charged: bill.charged })),
  });
}

/**
 * The page opened with this party's sitting over (its credential refused): when this phone had
 * gone to a provider's page to pay the bill, and the payment settled it meanwhile, show the bill
 * as it ended and say so (true); else nothing is known here (false).
 */
export async function paidWhileAway(tableId, show) {
  bill.tableId = tableId;
  const mark = payingMark();
  if (!mark) return false;
  localStorage.removeItem(payingKey());
  try {
    bill.current = await request(`/api/bills/${mark.billId}`);
  } catch {
    return false;
  }
  bill.hooks = { show, ended() {} };
  bill.ended = false;
  end();
  return true;
}

/** Back on the page after a provider's page (or WeChat's OAuth): say 支付处理中, or carry on. */
function backFromPaying() {
  const current = bill.current;
  if (!current || current.status !== 'open') return;
  const mark = payingMark();
  if (mark?.billId === current.billId && mark.charged === Number(current.owed)) {
    bill.away = true;
    bill.charged = mark.charged;
    draw();
  } else if (mark) {
    localStorage.removeItem(payingKey());
  }
  if (resumes(`bill:${current.billId}`)) checkout();
}

async function payBill() {
  const current = bill.current;
  bill.paying = true;
  $('#pay-sheet').hidden = true;
  draw();
  try {
    // The payment's outcome arrives as a `bill_update` (settled), on every phone at the table.
    const charging = await api(`/api/bills/${current.billId}/pay`, { method: 'POST' });
    if (!bill.ended) bill.charged = Number(charging.owed);
  } catch (error) {
    bill.paying = false;
    draw();
    toast(error.message, 'error');
  }
}

// ---- the end of the sitting ----
/** The bill as it ended: its last word, and no more changes from this phone. */
function end() {
  const first = !bill.ended;
  bill.ended = true;
  const current = bill.current;
  const moved = current?.status === 'merged' || (current && current.tableId !== bill.tableId)
    ? current.nextTableNumber ?? current.tableNumber
    : null;
  const [title, detail] = moved
    ? [`已换到 ${moved} 桌`, `请扫描 ${moved} 桌上的二维码继续点餐`]
    : ['已结账，欢迎再次光临', '如需再点，请扫描桌上的二维码，重新扫码点餐'];
  $('#bill-ended-title').textContent = title;
  $('#bill-ended-detail').textContent = detail;
  $('#bill-ended').hidden = false;
  $('#bill-ended').dataset.kind = moved ? 'moved' : 'settled';
  const settled = current?.settlement;
  $('#bill-settlement').textContent = settled
    ? `${settled.method === 'online' ? '已在线支付' : '已在店内结账'} ${money(settled.amount)}`
    : '';
  $('#pay-sheet').hidden = true;
  closePayment();
  localStorage.removeItem(payingKey());
  if (current) draw();
  if (first) bill.hooks.ended();
  bill.hooks.show('bill');
}

/** The server refused this phone's credential: the party's sitting is over. Show the bill as it
 * ended when the server still lets this diner read it. */
async function closedByServer() {
  if (bill.ended) return;
  // Back from a provider's page after the payment settled the bill: the page never saw it open.
  const billId = bill.current?.billId ?? payingMark()?.billId;
  end();
  if (!billId) return;
  try {
    bill.current = await request(`/api/bills/${billId}`);
    end();
  } catch {
    // The words already shown say what to do.
  }
  // The refused tap's red toast repeats the banner in alarming colours: the banner is enough.
  $('#toast').hidden = true;
}
