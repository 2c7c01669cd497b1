// A guest scans the table's code and sees the menu.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, shot, openTable, failFirstFetches } from './support.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

test('the table URL shows the store, the table and the menu with won prices', async () => {
  const page = await phonePage(browser);
  await page.goto(server.tableUrl('0001-0003'));
  await page.locator('.to-store').waitFor();
  assert.equal(await page.locator('.to-store').textContent(), '스마일 한식당 데모점');
  assert.equal(await page.locator('.to-table').textContent(), '3번 테이블');
  const firstCategory = page.locator('section.to-category').first();
  assert.equal(await firstCategory.locator('h2').textContent(), '식사');
  const firstItem = firstCategory.locator('.to-item').first();
  assert.equal(await firstItem.locator('.to-item-name').textContent(), '김치찌개');
  assert.equal(await firstItem.locator('.to-item-price').textContent(), '9,000원');
  assert.ok(await firstItem.isVisible());
  assert.ok((await page.locator('.to-tab').count()) >= 5, 'category tabs');
  assert.equal(await page.locator('.to-tab[aria-current=true]').textContent(), '식사');
  await page.locator('.to-tab', { hasText: '주류' }).click();
  await page.waitForFunction(() => document.querySelector('.to-tab[aria-current=true]')?.textContent === '주류');
  assert.ok(await page.locator('.to-tab', { hasText: '주류' }).isVisible(), 'the tabs follow the scroll');
  await shot(page, 'menu-scrolled');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => document.querySelector('.to-tab[aria-current=true]')?.textContent === '식사');
  await shot(page, 'menu-ko');
  assert.deepEqual(page.problems, []);
});

test('the menu shows before the widget code arrives, and a tap made meanwhile opens the item', async () => {
  const page = await phonePage(browser);
  // The code arrives 1.5 s late, as on a weak connection.
  await page.route(/_bg\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.gotoDrawn(server.tableUrl('0001-0006'));
  const early = page.locator('[data-tableorder][aria-busy] .to-item-button', { hasText: '김치찌개' });
  await early.click();
  await shot(page, 'menu-before-takeover');
  await page.locator('.to-sheet').waitFor();
  assert.match(await page.locator('.to-sheet h2').textContent(), /김치찌개/);
  assert.equal(await page.locator('[data-tableorder][aria-busy]').count(), 0);
  assert.deepEqual(page.problems, []);
});

test('the page is taken over in parts: the tabs and each section in a task of its own, busy until then', async () => {
  const page = await phonePage(browser);
  // Which parts of the page were marked busy, and which of them were let go again.
  await page.addInitScript(() => {
    window.partsMarked = new Set();
    window.partsReleased = new Set();
    new MutationObserver((changes) => {
      for (const { target } of changes) {
        if (target.matches('[data-tableorder]')) continue;
        const name = target.id || target.className;
        (target.hasAttribute('aria-busy') ? window.partsMarked : window.partsReleased).add(name);
      }
    }).observe(document, { subtree: true, attributeFilter: ['aria-busy'] });
  });
  await page.gotoDrawn(server.tableUrl('0001-0010'));
  await page.waitForFunction(() => !document.querySelector('[aria-busy]'));
  const sections = await page.locator('section.to-category').evaluateAll((all) => all.map((s) => s.id));
  assert.ok(sections.length > 1);
  const marked = await page.evaluate(() => [...window.partsMarked].sort());
  const released = await page.evaluate(() => [...window.partsReleased].sort());
  assert.deepEqual(marked, ['to-tabs', ...sections].sort());
  assert.deepEqual(released, marked);
  // Each part works once taken over: a tab scrolls to its section, an item opens.
  await page.locator('.to-tab', { hasText: '주류' }).click();
  await page.waitForFunction(() => document.querySelector('.to-tab[aria-current=true]')?.textContent === '주류');
  await page.locator('.to-item-button', { hasText: '공기밥' }).click();
  await page.locator('.to-sheet').waitFor();
  assert.deepEqual(page.problems, []);
});

test('the cart and the sheets come as code of their own; a failed fetch of it is tried again', async () => {
  const page = await phonePage(browser);
  // The first two fetches of the floating layer's code fail, as on a connection that drops.
  const refused = await failFirstFetches(page, /split_floating_layer-[0-9a-f]{16}\.wasm$/, 2);
  await page.goto(server.tableUrl('0001-0009'));
  const retry = page.locator('.to-layer-retry[role=status]');
  await retry.waitFor();
  assert.match(await retry.textContent(), /장바구니는 그대로/);
  await shot(page, 'layer-retry');
  // The menu works meanwhile, and once the code comes the sheet asked for opens.
  await page.locator('.to-item-button', { hasText: '공기밥' }).click();
  await page.locator('.to-sheet').waitFor({ timeout: 15000 });
  assert.equal(refused(), 2);
  assert.equal(await retry.count(), 0);
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').waitFor();
  // Each failed fetch was logged, by the browser and by the parts' loader (in the glue);
  // nothing else went wrong.
  const fetchFailed = /^console: (Failed to load resource: net::ERR_INTERNET_DISCONNECTED|TypeError: Failed to fetch\s+at \S+\/tableorder-widget-[0-9a-f]{16}\.js)/;
  assert.equal(page.problems.filter((p) => fetchFailed.test(p)).length, 4);
  assert.deepEqual(page.problems.filter((p) => !fetchFailed.test(p)), []);
});

test('a cart kept from before a reload comes back on the page the server drew', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0008');
  await page.locator('.to-item-button', { hasText: '김치찌개' }).click();
  await page.locator('.to-sheet input[type=radio]').first().check();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').waitFor();
  await page.reload();
  await page.waitForFunction(() => !document.querySelector('[data-tableorder][aria-busy]'));
  await page.locator('.to-cart-bar button').click();
  assert.match(await page.locator('.to-sheet').textContent(), /김치찌개/);
  assert.deepEqual(page.problems, []);
});

test('a QR code without a table says what to do', async () => {
  const page = await phonePage(browser);
  await page.goto(`${server.base}/?store=demo`);
  const notice = page.locator('.to-notice[role=alert]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /QR/);
  await shot(page, 'bad-qr');
});

test('prepaid without a way to pay says so instead of waiting forever', async () => {
  const page = await phonePage(browser);
  await page.goto(server.tableUrl('0001-0010', '&mode=prepaid'));
  await page.locator('.to-item-button', { hasText: '공기밥' }).click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').click();
  await page.locator('.to-order').click();
  await page.waitForFunction(() => /결제 방법이 설정되지 않았습니다/.test(document.querySelector('.to-status')?.textContent ?? ''));
  const orders = (await fetch(`${server.base}/sim/orders`).then((r) => r.json())).orders;
  assert.equal(orders.length, 0);
});

test('a table that is not on any printed code asks for the code on the table, not a blank page', async () => {
  const page = await phonePage(browser);
  await page.goto(server.tableUrl('0009-0009'));
  const notice = page.locator('.to-notice[role=alert]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /QR 코드를 다시 스캔해 주세요/);
});
