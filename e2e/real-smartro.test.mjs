// The widget against the simulator as the real service behaves: calls for staff, refusals in
// codes nobody published, completed orders whose SUCCESS_FLAG is empty.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, launchBrowser, phonePage, shot, openTable, orderPlain, waitForStatus, expectAccessible,
} from './support.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });
beforeEach(async () => { await server.sim('/reset', {}); });

const calls = async () => fetch(`${server.base}/sim/calls`).then((r) => r.json());
// The browser logs every refused request; a refusal the page expects and shows is no problem.
const unexpected = (page, ...statuses) => page.problems.filter(
  (p) => !statuses.some((s) => p.includes(`Failed to load resource: the server responded with a status of ${s}`)),
);

test('a guest calls staff for water and napkins; a second call waits; history shows a call', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0004');
  await page.locator('.to-header button', { hasText: '직원 호출' }).click();
  const sheet = page.locator('.to-sheet');
  await sheet.getByLabel('물', { exact: true }).check();
  await sheet.getByLabel('물티슈').check();
  await shot(page, 'staff-call');
  await expectAccessible(page, 'staff call');
  await sheet.locator('.to-call-send').click();
  await page.waitForFunction(() => /직원을 호출했습니다/.test(document.querySelector('.to-sheet [role=status]')?.textContent ?? ''));
  await shot(page, 'staff-call-sent');
  const [call] = await server.posOrders();
  assert.equal(call.staffCall, true);
  assert.equal(call.amount, '0', 'a call costs nothing');

  await sheet.getByLabel('앞접시').check();
  await sheet.locator('.to-call-send').click();
  await page.waitForFunction(() => /초 후에 다시 호출/.test(document.querySelector('.to-sheet [role=status]')?.textContent ?? ''));
  assert.ok(await sheet.locator('.to-call-send').isDisabled(), 'no second call within 30 s');
  assert.equal((await server.posOrders()).length, 1);
  await shot(page, 'staff-call-wait');

  await page.locator('.to-sheet .to-icon-button').click();
  await page.locator('.to-header button', { hasText: '주문 내역' }).click();
  await page.locator('.to-history-call').waitFor();
  assert.match(await page.locator('.to-history-call').textContent(), /직원 호출.*물, 물티슈/s);
  await shot(page, 'history-staff-call');
  assert.deepEqual(unexpected(page, 429), []);
});

test('in English the call is offered in English, with the POS reasons as they are', async () => {
  const page = await phonePage(browser, { locale: 'en-US' });
  await openTable(page, server, '0002-0001', '&lang=en');
  await page.locator('.to-header button', { hasText: 'Call staff' }).click();
  await page.locator('.to-sheet').getByLabel('물티슈').check();
  await page.locator('.to-sheet .to-call-send', { hasText: 'Call' }).click();
  await page.waitForFunction(() => /Staff have been called/.test(document.querySelector('.to-sheet [role=status]')?.textContent ?? ''));
  await shot(page, 'staff-call-en');
  await expectAccessible(page, 'staff call (en)');
  assert.deepEqual(page.problems, []);
});

test('a refusal in a code nobody published is shown in the POS words, once, and the cart comes back', async () => {
  await server.sim('/refusals', { errcode: 'E7777', msg: '포스 점검 중입니다.', msg2: '잠시 후 이용해 주세요', count: 1 });
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0005');
  await orderPlain(page);
  await waitForStatus(page, /매장 시스템이 주문을 받지 않았습니다/);
  assert.match(await page.locator('.to-pos-words').textContent(), /포스 점검 중입니다\. 잠시 후 이용해 주세요/);
  await shot(page, 'pos-refused');
  await expectAccessible(page, 'pos refused');
  // Not retried by itself.
  await page.waitForTimeout(1500);
  assert.equal((await calls())['/partner/v1/table/order/new'], 1);
  assert.equal((await server.posOrders()).length, 0);
  // The guest's fresh try is their own tap: the cart is back as it was.
  await page.locator('.to-status button', { hasText: '확인' }).click();
  await page.locator('.to-cart-bar button').click();
  await page.locator('.to-order').click();
  await waitForStatus(page, /주방에 전달/);
  assert.equal((await server.posOrders()).length, 1);
  assert.deepEqual(unexpected(page, 422), []);
});

test('a completed order keeps the bill open, and the next order is added onto it', async () => {
  const page = await phonePage(browser);
  await openTable(page, server, '0001-0006');
  await orderPlain(page);
  await waitForStatus(page, /주방에 전달/);
  await page.locator('.to-status button', { hasText: '확인' }).click();
  // The POS completes it: SMRO000069 with SUCCESS_FLAG "", as the real service sends.
  await server.sim('/clock', { advanceMs: 30000 });
  await orderPlain(page, '공기밥');
  await waitForStatus(page, /주방에 전달/);
  const orders = await server.posOrders();
  assert.deepEqual(orders.map((o) => o.kind), ['new', 'add']);
  assert.equal(orders[1].orgOrderNo, orders[0].orderNo);
  assert.deepEqual(page.problems, []);
});
