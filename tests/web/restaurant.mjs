// What happens elsewhere in the restaurant, over the API, for the page tests: a customer's phone
// paying an order, the counter's app pairing and going away, the owner's settings.
import assert from 'node:assert/strict';
import { call, listen, PATIENCE } from './harness.mjs';

/** An order paid through the API, as a customer's phone would have placed it: its id and token. */
export async function paidOrder(server, table, dishes) {
  const link = new URL(server.links.get(table));
  const tableId = Number(link.pathname.split('/')[2]);
  const tableToken = link.searchParams.get('token');
  const diner = await call(server.base, `/api/tables/${tableId}/diners`, { method: 'POST', token: tableToken, body: {} });
  for (const [cuisineId, quantity, remark] of dishes) {
    const added = await call(server.base, '/api/store/order/cart/add', { method: 'POST', token: diner.body.token, body: { tableId, cuisineId, quantity, remark } });
    assert.equal(added.status, 200);
  }
  const submitted = await call(server.base, '/api/orders', { method: 'POST', token: diner.body.token, body: { tableId, idempotencyKey: `k-${table}` } });
  assert.equal(submitted.status, 201);
  const { orderId } = submitted.body.order;
  await call(server.base, `/api/orders/${orderId}/pay`, { method: 'POST', token: submitted.body.token });
  return { orderId, token: submitted.body.token };
}

/** Poll `check` until it returns something truthy; fail after PATIENCE. */
export async function eventually(what, check) {
  const deadline = Date.now() + PATIENCE;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The store's devices, as the owner sees them. */
export const devices = async (server) => (await call(server.base, '/api/stores/1/devices', { token: server.merchant })).body;

/** The counter's desktop app (paired as the owner, 店主), online: its store stream says it is an
 * alert device. `away()` closes it. */
export async function appOnline(server) {
  const app = await listen(`${server.base}/api/stores/1/events?device=counter-app`, server.merchant);
  await app.next('connected');
  return {
    async away() {
      app.close();
      await eventually('the app is offline', async () => (await devices(server)).some((d) => d.name === '店主' && !d.online));
    },
  };
}

/** The counter's app paired once and then gone: the store runs alert devices, none of them online. */
export const appPairedThenAway = async (server) => (await appOnline(server)).away();
