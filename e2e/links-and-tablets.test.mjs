// Trust: a printed table link orders, an altered or outdated one shows "scan again" and
// orders nothing; an enrolled tablet takes a prepaid order; a guest's phone cannot pay.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, phonePage, shot, waitForStatus, orderPlain, expectAccessible, enrolledTablet } from './support.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.stop(); });
beforeEach(async () => { await server.sim('/reset', {}); });


/** The link printed under a table's code on the owner's QR sheet. */
async function printedLink(table) {
  const sheet = await fetch(`${server.base}/api/v1/admin/stores/demo/qr?baseUrl=${encodeURIComponent(server.base)}`, {
    headers: { authorization: 'Bearer e2e-admin-token-of-this-test-run' },
  }).then((r) => r.text());
  const links = [...sheet.matchAll(/<small>([^<]+)<\/small>/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  const link = links.find((l) => l.includes(`table=${table}&`));
  assert.ok(link, `the sheet prints a link for ${table}`);
  return link;
}

test('a guest with the printed link orders', async () => {
  const link = await printedLink('0001-0004');
  assert.match(link, /&t=\d+\.[\w-]{22}$/);
  const page = await phonePage(browser);
  await page.goto(link);
  await page.locator('.to-item-button').first().waitFor();
  await orderPlain(page);
  await waitForStatus(page, /주방에 전달/);
  assert.equal((await server.posOrders()).length, 1);
  // The link is kept for this table: the bare address still opens it after a reload.
  await page.goto(`${server.base}/?store=demo&table=0001-0004`);
  await page.locator('.to-item-button').first().waitFor();
  assert.deepEqual(page.problems, []);
});

test('the same link with its token altered shows "scan again" and orders nothing', async () => {
  const link = await printedLink('0001-0005');
  const altered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  const page = await phonePage(browser);
  await page.goto(altered);
  const notice = page.locator('.to-notice[role=alert]');
  await notice.waitFor();
  assert.match(await notice.textContent(), /테이블의 QR 코드를 다시 스캔해 주세요/);
  assert.equal(await page.locator('.to-item-button').count(), 0, 'no menu to order from');
  await shot(page, 'scan-again');
  await expectAccessible(page, 'scan again');
  // Another table's token does not open this table either.
  const other = new URL(await printedLink('0001-0006')).searchParams.get('t');
  await page.goto(`${server.base}/?store=demo&table=0001-0005&t=${other}`);
  await page.locator('.to-notice[role=alert]').waitFor();
  assert.equal((await server.posOrders()).length, 0);
});

test('after the owner rotates the key, a printed link shows "scan again" and the new sheet works', async () => {
  const old = await printedLink('0001-0007');
  const { status } = await server.admin('/link-key', 'POST');
  assert.equal(status, 200);
  const page = await phonePage(browser);
  await page.goto(old);
  await page.locator('.to-notice[role=alert]').waitFor();
  assert.match(await page.locator('.to-notice').textContent(), /다시 스캔/);
  const fresh = await printedLink('0001-0007');
  assert.notEqual(fresh, old);
  await page.goto(fresh);
  await page.locator('.to-item-button').first().waitFor();
  await server.reprint();
});

test('the tablet example enrols with the owner\'s code and takes a prepaid order', async () => {
  const page = await enrolledTablet(browser, server, 'table=0002-0005');
  await shot(page, 'tablet-enrolled');
  await page.locator('.to-item-button', { hasText: '삼겹살 (200g)' }).click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-aside .to-order').click();
  await waitForStatus(page, /주방에 전달/);
  const orders = await server.posOrders();
  assert.equal(orders.length, 1);
  assert.ok(orders[0].prepaid);
  const { body: devices } = await server.admin('/devices');
  assert.ok(devices.some((d) => d.name === '카운터' && !d.revokedAtMs));
  assert.deepEqual(page.problems, []);
});

test('a phone cannot take payment: no enrolment, and a paid order from it is refused', async () => {
  const page = await phonePage(browser);
  // The tablet page on a phone without a code: it asks for one and shows no menu.
  await page.goto(`${server.base}/examples/tablet.html?table=0002-0006`);
  await page.locator('#enrol input[name=code]').waitFor();
  await page.locator('#enrol input[name=code]').fill('AAAA-BBBB');
  await page.locator('#enrol button[type=submit]').click();
  await page.waitForFunction(() => /등록하지 못했습니다/.test(document.querySelector('#enrol-error')?.textContent ?? ''));
  assert.equal(await page.locator('.to-item-button').count(), 0);
  await shot(page, 'phone-enrol-refused');
  // At its table with the real link, the phone sends a "paid" order itself: refused.
  const link = await printedLink('0001-0008');
  await page.goto(link);
  await page.locator('.to-item-button').first().waitFor();
  const token = new URL(link).searchParams.get('t');
  const answer = await page.evaluate(async (t) => {
    const r = await fetch('/api/v1/stores/demo/tables/0001-0008/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-table-token': t },
      body: JSON.stringify({
        clientOrderId: 'phone-pays-0001', kind: 'new', lines: [{ itemId: 'I0201', count: 1 }],
        payment: { method: 'card', approvals: [{ amount: 16000, approvalNo: '12345678', approvedAt: '20261129120000' }] },
      }),
    });
    return { status: r.status, body: await r.json() };
  }, token);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'device_required');
  assert.equal((await server.posOrders()).length, 0);
});
