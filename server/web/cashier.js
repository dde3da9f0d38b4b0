// The payment simulator's cashier page: what a provider's checkout would show. Confirming makes
// the server send itself a signed payment notification, as a provider would; the customer is then
// taken back to the table page, which flips to 支付成功 when the order stream says so.
import { $, money, api, toast } from './common.js';

const orderId = Number(location.pathname.split('/')[2]);
const token = decodeURIComponent(location.hash.slice(1));
let order = null;

function backToTable() {
  location.href = order ? `/t/${order.tableId}` : '/';
}

async function start() {
  try {
    order = await api(`/api/orders/${orderId}`, { token });
  } catch (error) {
    $('#message').textContent = `无法加载订单：${error.message}`;
    return;
  }
  $('#order-no').textContent = order.orderNo;
  $('#table').textContent = `${order.tableNumber} 桌`;
  $('#amount').textContent = money(order.totalAmount);
  $('#confirm').disabled = order.status !== 'pending_payment';
  if (order.status !== 'pending_payment') $('#message').textContent = '这个订单不需要再支付了。';
}

$('#confirm').addEventListener('click', async () => {
  $('#confirm').disabled = true;
  $('#message').textContent = '支付处理中…';
  try {
    await api(`/api/orders/${orderId}/pay`, { method: 'POST', token });
    backToTable();
  } catch (error) {
    toast(error.message, 'error');
    $('#confirm').disabled = false;
  }
});
$('#back').addEventListener('click', backToTable);
start();
