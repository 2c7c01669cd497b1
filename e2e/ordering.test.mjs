// A guest orders at the table, through every state the restaurant can put the order in.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, phonePage, shot, openTable, orderPlain, statusText, waitForStatus, expectAccessible,
} from './support.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });
beforeEach(async () => { await server.sim('/reset', {}); });


test('an order with options is accepted, and the next one at the table is added onto it', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0001');
  await expectAccessible(page, 'menu');
  await page.locator('.to-item-button', { hasText: '김치찌개' }).click();
  const add = page.locator('.to-sheet .to-primary');
  assert.ok(await add.isDisabled(), 'a required option is missing');
  assert.match(await page.locator('.to-reason').textContent(), /맵기 선택/);
  await shot(page, 'item-sheet-incomplete');
  await expectAccessible(page, 'item sheet');
  await page.getByLabel('아주 매운맛').check();
  await page.getByLabel('치즈').check();
  assert.match(await add.textContent(), /11,500원/);
  await add.click();
  await page.locator('.to-cart-bar button').click();
  await shot(page, 'cart');
  await expectAccessible(page, 'cart');
  await page.locator('.to-order').click();
  await waitForStatus(page, /주방에 전달/);
  await shot(page, 'accepted');
  await expectAccessible(page, 'accepted');
  await page.locator('.to-status button', { hasText: '확인' }).click();

  await orderPlain(page);
  await waitForStatus(page, /주방에 전달/);
  const orders = await server.posOrders();
  assert.deepEqual(orders.map((o) => [o.kind, o.onPos]), [['new', true], ['add', true]]);
  assert.equal(orders[1].orgOrderNo, orders[0].orderNo, 'added onto the open order');

  await page.locator('.to-status button', { hasText: '확인' }).click();
  await page.locator('.to-header button', { hasText: '주문 내역' }).click();
  await page.locator('.to-history-row').nth(1).waitFor();
  assert.equal(await page.locator('.to-history-row').count(), 2);
  await shot(page, 'history');
  await expectAccessible(page, 'history');
  assert.deepEqual(page.problems, []);
});

test('two phones at one table order at the same moment: both land, one new and one add', async () => {
  const [a, b] = [await phonePage(browser), await phonePage(browser)];
  await Promise.all([openTable(a, server, '0001-0002'), openTable(b, server, '0001-0002')]);
  for (const p of [a, b]) {
    await p.locator('.to-item-button', { hasText: '삼겹살 (200g)' }).click();
    await p.locator('.to-sheet .to-primary').click();
    await p.locator('.to-cart-bar button').click();
  }
  await Promise.all([a.locator('.to-order').click(), b.locator('.to-order').click()]);
  await Promise.all([waitForStatus(a, /주방에 전달/, 30000), waitForStatus(b, /주방에 전달/, 30000)]);
  const orders = await server.posOrders();
  assert.deepEqual(orders.map((o) => o.kind).sort(), ['add', 'new']);
  assert.ok(orders.every((o) => o.onPos));
  // Each phone's history tells its own order from the other phone's.
  for (const p of [a, b]) {
    await p.locator('.to-status button', { hasText: '확인' }).click();
    await p.locator('.to-header button', { hasText: '주문 내역' }).click();
    await p.locator('.to-history-row').nth(1).waitFor();
    await p.locator('.to-history-row .to-tag-mine').waitFor();
    assert.equal(await p.locator('.to-history-row .to-tag-mine').count(), 1);
  }
  await shot(a, 'history-from-this-phone');
});

test('an occupied table shows a notice, counts down, and goes through by itself once released', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0003');
  await server.sim('/tables/0001-0003/occupy', { on: true });
  await orderPlain(page);
  await waitForStatus(page, /카운터에서 테이블을 처리/);
  // The seconds until the next try go down while the card shows.
  const first = await page.evaluate(() => Number(document.querySelector('.to-status').textContent.match(/(\d+)초/)?.[1]));
  assert.ok(first > 1, `a fresh countdown: ${first}`);
  await page.waitForFunction(
    (from) => Number(document.querySelector('.to-status')?.textContent.match(/(\d+)초/)?.[1]) < from,
    first,
    { timeout: 5000 },
  );
  await shot(page, 'occupied');
  await expectAccessible(page, 'occupied');
  await server.sim('/tables/0001-0003/occupy', { on: false });
  await waitForStatus(page, /주방에 전달/);
  assert.equal((await server.posOrders()).length, 1);
});

test('a closed store says so, keeps the cart, and takes the order once open again', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0004');
  await server.sim('/business', { open: false });
  await orderPlain(page);
  await waitForStatus(page, /주문을 받지 않습니다/);
  await shot(page, 'store-closed');
  await expectAccessible(page, 'store closed');
  assert.equal((await server.posOrders()).length, 0);
  await server.sim('/business', { open: true });
  await page.locator('.to-status button', { hasText: '다시 시도' }).click();
  await waitForStatus(page, /주방에 전달/);
});

test('a dropped delivery is reported after the window, and the resend lands exactly once', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0006');
  await server.sim('/delivery', { mode: 'drop' });
  await orderPlain(page);
  await waitForStatus(page, /접수되었습니다/);
  await shot(page, 'waiting-for-kitchen');
  await waitForStatus(page, /전달되지 않았습니다/, 20000);
  await shot(page, 'not-delivered');
  await expectAccessible(page, 'not delivered');
  await server.sim('/delivery', { mode: 'normal' });
  await page.locator('.to-status button', { hasText: '다시 보내기' }).click();
  await waitForStatus(page, /주방에 전달/);
  const orders = await server.posOrders();
  assert.equal(orders.filter((o) => o.onPos).length, 1, 'exactly one order on the POS');
  assert.equal(orders.length, 2, 'the first never arrived');
});

test('an order pushed off a busy table\'s list is "check with staff", never offered again', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0008');
  await server.sim('/delivery', { mode: 'delay', delayMs: 3000 });
  await orderPlain(page);
  await waitForStatus(page, /접수되었습니다/);
  // Before the kitchen has it, ten more orders come in at the table from the counter's tablet.
  const { body: code } = await server.admin('/enrolment-codes', 'POST');
  const device = await fetch(`${server.base}/api/v1/stores/demo/devices`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: code.code, name: 'counter' }),
  }).then((r) => r.json());
  const now = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul', dateStyle: 'short', timeStyle: 'medium' })
    .format(new Date()).replace(/\D/g, '');
  for (let n = 1; n <= 10; n++) {
    const r = await fetch(`${server.base}/api/v1/stores/demo/tables/0001-0008/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Device ${device.credential}` },
      body: JSON.stringify({
        clientOrderId: `counter-order-${n}`, kind: 'new', lines: [{ itemId: 'I0501', count: 1 }],
        payment: { method: 'card', approvals: [{ amount: 1000, approvalNo: `9100${n}`, approvedAt: now }] },
      }),
    });
    assert.equal(r.status, 202, await r.text());
  }
  await waitForStatus(page, /직원에게 확인해 주세요/, 20000);
  await shot(page, 'unconfirmed');
  await expectAccessible(page, 'unconfirmed');
  assert.equal(await page.locator('.to-status button', { hasText: '다시 보내기' }).count(), 0);
  await page.locator('.to-status button', { hasText: '확인' }).click();
  assert.equal(await page.locator('.to-cart-bar button').count(), 0, 'its lines are not put back to order again');
  const mine = (await server.posOrders()).filter((o) => o.table === '0001-0008' && !o.prepaid);
  assert.equal(mine.length, 1, 'sent once');
});

test('a reload while waiting for the kitchen resumes the same order', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0007');
  await server.sim('/delivery', { mode: 'delay', delayMs: 3000 });
  await orderPlain(page);
  await waitForStatus(page, /접수되었습니다/);
  await page.reload();
  await page.locator('.to-item-button').first().waitFor();
  await waitForStatus(page, /주방에 전달/, 20000);
  const orders = await server.posOrders();
  assert.equal(orders.length, 1, 'never ordered twice');
});

test('the English switch translates the page and the widget keeps working', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0002-0001');
  await page.locator('.to-header select.to-lang').selectOption('en');
  await page.locator('.to-header button', { hasText: 'Orders' }).waitFor();
  assert.match(await page.locator('.to-sold-out .to-badge').first().textContent(), /Sold out/);
  assert.equal(await page.locator('.to-item-price').first().textContent(), '₩9,000');
  await page.locator('.to-item-button', { hasText: '김치찌개' }).click();
  assert.match(await page.locator('.to-reason').textContent(), /choose at least 1/);
  await shot(page, 'item-sheet-en');
  assert.equal(await page.evaluate(() => document.activeElement?.id), await page.locator('.to-sheet h2').getAttribute('id'),
    'focus moves into the sheet');
  const behind = () => page.evaluate(() => ({
    menu: document.querySelector('.to-item-button')?.closest('[inert]') !== null,
    header: document.querySelector('.to-header')?.closest('[inert]') !== null,
    sheet: document.querySelector('.to-sheet')?.closest('[inert]') !== null,
  }));
  assert.deepEqual(await behind(), { menu: true, header: true, sheet: false }, 'the page behind a sheet is inert');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement?.closest('.to-sheet') !== null), 'Tab stays in the sheet');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.to-sheet').count(), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll('[inert]').length), 0, 'and live again once it closes');
  assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /김치찌개/, 'and back to the item');
  await orderPlain(page);
  await waitForStatus(page, /with the kitchen/);
  await shot(page, 'accepted-en');
  await expectAccessible(page, 'accepted, English');
});
