// The customer page's connection in real Chromium: it says when the server is gone — also when
// the socket stays open and simply nothing arrives — reconnects by itself, and catches up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, startBrowser, SHOTS } from './harness.mjs';
import { until, openTable, add } from './customer-page.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const open = (table) => openTable(browser, server.links.get(table));

test('the page says when the server is gone, reconnects by itself, and catches up', async () => {
  const page = await open('A10');
  await add(page, '拍黄瓜');
  await until(page, '#cart-count', '1');
  await server.kill();
  await page.locator('#offline').waitFor();
  assert.equal(await page.locator('#conn').getAttribute('data-state'), 'down');
  await page.screenshot({ path: join(SHOTS, 'customer-offline.png') });

  await server.revive();
  await page.locator('#offline').waitFor({ state: 'hidden' });
  // Back on the same cart, and live again: another phone's change arrives.
  const other = await open('A10');
  await add(other, '拍黄瓜', { quantity: 2 });
  await until(page, '#cart-count', '3');
  await Promise.all([page, other].map((p) => p.context().close()));
});

test('a connection that goes silent is noticed from the missing heartbeats, dropped and opened again', async () => {
  const page = await open('A11');
  await add(page, '米饭');
  await until(page, '#cart-count', '1');
  // The server (or the router before it) loses power: the page's sockets stay open, nothing arrives.
  server.freeze();
  try {
    await page.locator('#offline').waitFor();
    assert.equal(await page.locator('#conn').getAttribute('data-state'), 'down');
  } finally {
    server.thaw();
  }
  await page.locator('#offline').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#conn').getAttribute('data-state'), 'open');
  // Live on a new connection: another phone's change arrives.
  const other = await open('A11');
  await add(other, '米饭', { quantity: 2 });
  await until(page, '#cart-count', '3');
  await Promise.all([page, other].map((p) => p.context().close()));
});

test('a short network blip that the connection survived clears as soon as anything arrives', async () => {
  const page = await open('A12');
  // The phone reports the network gone for a moment; the stream itself never broke.
  await page.evaluate(() => window.dispatchEvent(new Event('offline')));
  await page.locator('#offline').waitFor();
  // The next heartbeat (every 2 s here) or change is proof the page is live again.
  await page.locator('#offline').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#conn').getAttribute('data-state'), 'open');
  await page.context().close();
});
