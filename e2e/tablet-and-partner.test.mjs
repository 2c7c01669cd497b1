// A partner's tablet (prepaid by card, or cash confirmed by staff) and a restaurant's own page.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, shot, waitForStatus, expectAccessible, enrolledTablet, failFirstFetches } from './support.mjs';

let server, browser;
before(async () => {
  server = await startServer({ TABLEORDER_STAFF_PIN: '482913' });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });
beforeEach(async () => { await server.sim('/reset', {}); await server.sim('/vcat', { decline: false }); });


async function tablet(query) {
  const page = await enrolledTablet(browser, server, query);
  await page.locator('.to-item-button', { hasText: '삼겹살 (200g)' }).click();
  await page.locator('.to-sheet .to-primary').click();
  // A tablet is wide: the cart stays beside the menu, no cart bar to open.
  await page.locator('.to-cart-aside .to-cart-line').waitFor();
  return page;
}

test('prepaid: the host page takes payment, then exactly one prepaid order lands', async () => {
  const page = await tablet('table=0002-0001');
  await page.locator('.to-order').click();
  await waitForStatus(page, /주방에 전달/);
  assert.match(await page.locator('.to-status').textContent(), /승인번호 \d{8}/);
  await shot(page, 'tablet-prepaid-accepted');
  const orders = await server.posOrders();
  assert.equal(orders.length, 1);
  assert.ok(orders[0].prepaid && orders[0].onPos);
  assert.equal(orders[0].amount, '16000');
  assert.deepEqual(page.problems, []);
});

test('prepaid: when ordering fails after payment, the approval stays on screen and the order lands once', async () => {
  const page = await tablet('table=0002-0002');
  await server.sim('/faults', { errorRate: 1.0 });
  await page.locator('.to-order').click();
  await waitForStatus(page, /승인번호 \d{8}/);
  await waitForStatus(page, /직원에게 보여주세요/);
  await shot(page, 'tablet-prepaid-failing');
  await expectAccessible(page, 'paid, retrying');
  const approval = (await page.locator('.to-approval').textContent()).match(/\d{8}/)[0];
  assert.equal(await page.locator('.to-status button', { hasText: '취소' }).count(), 0, 'a paid order is not abandoned');
  await page.waitForTimeout(3000);
  assert.equal((await server.posOrders()).length, 0, 'nothing placed while the upstream fails');
  await server.sim('/faults', {});
  await waitForStatus(page, /주방에 전달/, 40000);
  const orders = await server.posOrders();
  assert.equal(orders.length, 1, 'exactly one order, never paid twice');
  assert.match(await page.locator('.to-approval').textContent(), new RegExp(approval));
});

test('prepaid: a declined card places nothing and keeps the cart', async () => {
  const page = await tablet('table=0002-0003');
  await server.sim('/vcat', { decline: true });
  await page.locator('.to-order').click();
  await waitForStatus(page, /결제가 승인되지 않았습니다/);
  assert.equal((await server.posOrders()).length, 0);
  await page.locator('.to-status button', { hasText: '확인' }).click();
  await page.locator('.to-cart-aside .to-cart-line').waitFor();
  assert.equal(await page.locator('.to-cart-aside .to-cart-line').count(), 1);
});

test('cash: a wrong staff PIN is refused, the right one places the order', async () => {
  const page = await tablet('table=0002-0004&mode=cash');
  await page.locator('.to-order').click();
  await page.locator('.to-pin input').fill('000000');
  await page.locator('.to-pin button[type=submit]').click();
  await waitForStatus(page, /PIN이 올바르지 않습니다/);
  await shot(page, 'tablet-cash-wrong-pin');
  await expectAccessible(page, 'staff PIN');
  assert.equal((await server.posOrders()).length, 0);
  await page.locator('.to-pin input').fill('482913');
  await page.locator('.to-pin button[type=submit]').click();
  await waitForStatus(page, /주방에 전달/);
  const orders = await server.posOrders();
  assert.equal(orders.length, 1);
  assert.ok(orders[0].prepaid, 'paid in cash before ordering');
  const widget = await page.locator('.tableorder').innerHTML();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!widget.includes('482913') && !stored.includes('482913'), 'the PIN is neither in the page nor stored');
});

test("a restaurant's own page with aggressive CSS shows the widget intact, and an order goes through", async () => {
  const page = await phonePage(browser);
  // The restaurant's page is where its table codes lead: the printed link's token comes along.
  const token = new URL(server.tableUrl('0001-0009')).searchParams.get('t');
  await page.goto(`${server.base}/examples/partner-page.html?t=${token}`);
  const item = page.locator('.to-item-button', { hasText: '삼겹살 (200g)' });
  await item.waitFor();
  const looks = await page.evaluate(() => {
    const s = (sel) => getComputedStyle(document.querySelector(sel));
    return {
      itemBackground: s('.to-item-button').backgroundColor,
      itemFont: s('.to-item-button').fontFamily,
      storeSize: s('.to-store').fontSize,
      storeTransform: s('.to-store').textTransform,
      listStyle: s('.to-items').listStyleType,
      hostButton: s('header.site h1').fontSize,
    };
  });
  assert.notEqual(looks.itemBackground, 'rgb(255, 105, 180)', 'no hotpink buttons');
  assert.ok(!looks.itemFont.includes('Georgia'), looks.itemFont);
  assert.equal(looks.storeSize, '20px');
  assert.equal(looks.storeTransform, 'none');
  assert.equal(looks.listStyle, 'none');
  assert.equal(looks.hostButton, '44px', 'and the host page keeps its own look');
  await page.locator('#order').scrollIntoViewIfNeeded();
  await shot(page, 'partner-page');
  await item.click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').click();
  await page.locator('.to-order').click();
  await waitForStatus(page, /주방에 전달/);
  assert.equal((await server.posOrders()).length, 1);
});

test("on a restaurant's own page, a failed fetch of the code that loads the menu shows the skeleton, says so, and is tried again", async () => {
  const page = await phonePage(browser);
  const refused = await failFirstFetches(page, /split_fetched_page-[0-9a-f]{16}\.wasm$/, 1);
  const token = new URL(server.tableUrl('0001-0009')).searchParams.get('t');
  await page.goto(`${server.base}/examples/partner-page.html?t=${token}`);
  await page.locator('.to-layer-retry[role=status]').waitFor();
  assert.ok(await page.locator('.to-skeleton').count() > 0, 'the skeleton shows meanwhile');
  await page.locator('.to-item-button', { hasText: '삼겹살 (200g)' }).waitFor({ timeout: 15000 });
  assert.equal(refused(), 1);
  assert.equal(await page.locator('.to-layer-retry').count(), 0);
  assert.equal(await page.locator('.to-skeleton').count(), 0);
  await page.locator('.to-item-button', { hasText: '삼겹살 (200g)' }).click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').waitFor();
});
