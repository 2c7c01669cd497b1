// A restaurant's page on an origin of its own embeds the widget from this server: the glue,
// the page's wasm and the parts fetched later all come across origins, under CORS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startServer, launchBrowser, phonePage, shot, waitForStatus } from './support.mjs';

let server, browser, partner, PARTNER;
before(async () => {
  // The restaurant's own site, marking an element as the README shows: another origin than
  // the server's (127.0.0.1), on the loopback too (a browser keeps a public page from
  // reaching the loopback at all).
  partner = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="ko"><head><meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1"><title>한옥집</title></head>
      <body><h1>한옥집 김치찜</h1>
      <div data-tableorder data-store="demo" data-table="0001-0005"></div>
      <script type="module" src="${server.base}/embed.js"></script></body></html>`);
  });
  await new Promise((listening) => partner.listen(0, '127.0.0.2', listening));
  PARTNER = `http://127.0.0.2:${partner.address().port}`;
  server = await startServer({ TABLEORDER_ALLOWED_ORIGINS: PARTNER });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); partner?.close(); });

test('a page on another origin embeds the widget, its cart and sheets load from this server, and an order goes through', async () => {
  const page = await phonePage(browser);
  const fetched = [];
  page.on('requestfinished', (r) => { if (r.url().startsWith(server.base)) fetched.push(new URL(r.url()).pathname); });
  const asked = [];
  page.on('request', (r) => { if (r.url().startsWith(server.base)) asked.push(new URL(r.url()).pathname); });
  const token = new URL(server.tableUrl('0001-0005')).searchParams.get('t');
  await page.goto(`${PARTNER}/order?t=${token}`);
  const item = page.locator('.to-item-button', { hasText: '공기밥' });
  await item.waitFor();
  await item.click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').waitFor();
  await shot(page, 'partner-other-origin');
  assert.ok(fetched.some((p) => /^\/split_fetched_page-[0-9a-f]{16}\.wasm$/.test(p)), `fetched: ${fetched}`);
  assert.ok(fetched.some((p) => /^\/split_floating_layer-[0-9a-f]{16}\.wasm$/.test(p)), `fetched: ${fetched}`);
  // embed.js preloads the fetching page's code; the loader takes the preloaded answer.
  assert.equal(await page.locator('link[rel=preload][href*="/split_fetched_page-"]').count(), 1);
  assert.equal(asked.filter((p) => p.startsWith('/split_fetched_page-')).length, 1, `asked: ${asked}`);
  // The order is a POST from the listed origin.
  await page.locator('.to-cart-bar button').click();
  await page.locator('.to-order').click();
  await waitForStatus(page, /주방에 전달/);
  const orders = (await fetch(`${server.base}/sim/orders`).then((r) => r.json())).orders;
  assert.equal(orders.length, 1);
  assert.deepEqual(page.problems, []);
});
