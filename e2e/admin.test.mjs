// The owner's page, on a phone and on a desktop: sign in, put a photo on an item, mark another
// sold out, and see both on a guest's phone; the guest's page in Chinese, and on a tablet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer, launchBrowser, phonePage, shot, openTable, ADMIN_TOKEN, expectAccessible } from './support.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.stop(); });

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A photo-like PNG (a warm gradient with a bowl) as a phone would send it. */
function photoPng(width = 800, height = 600) {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const dx = x - width / 2, dy = y - height / 2;
      const bowl = dx * dx + dy * dy < (height / 3) ** 2;
      const i = row + 1 + x * 3;
      rows[i] = bowl ? 200 : 120 + (x * 100) / width;
      rows[i + 1] = bowl ? 60 : 90 + (y * 60) / height;
      rows[i + 2] = bowl ? 30 : 60;
    }
  }
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0); header.writeUInt32BE(height, 4);
  header[8] = 8; header[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function ownerPage(viewport) {
  const context = await browser.newContext({ viewport, locale: 'ko-KR', bypassCSP: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  return page;
}

async function signIn(page) {
  await page.goto(`${server.base}/admin/`);
  await page.getByLabel('관리자 토큰').fill('not-the-token');
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByText('관리자 토큰이 맞지 않습니다').waitFor();
  await page.getByLabel('관리자 토큰').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: '로그인' }).click();
  await page.getByRole('heading', { name: 'POS 연결 상태' }).waitFor();
}

test('on a phone the owner adds a photo and marks an item sold out; a guest sees both', async () => {
  const owner = await ownerPage({ width: 390, height: 844 });
  await signIn(owner);
  const cookies = await owner.context().cookies();
  const session = cookies.find((c) => c.name === 'tableorder_admin');
  assert.ok(session.httpOnly && session.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session');
  assert.equal(await owner.evaluate(() => document.cookie), '', 'the page script cannot read it');
  await owner.getByText('영업 중').waitFor();
  await shot(owner, 'admin-status-phone');

  await owner.getByRole('button', { name: '메뉴' }).click();
  const kimchi = owner.locator('.ad-item[data-item=I0101]');
  await kimchi.getByRole('button', { name: '편집' }).click();
  await owner.locator('.ad-editor input[type=file]').setInputFiles({ name: 'kimchi.png', mimeType: 'image/png', buffer: photoPng() });
  await owner.getByText('사진을 올렸습니다.').waitFor();
  await owner.locator('.ad-editor textarea').fill('돼지고기와 묵은지로 끓인 찌개');
  await owner.locator('.ad-editor fieldset', { hasText: '중국어' }).getByLabel('이름').fill('泡菜汤');
  await owner.locator('.ad-editor').getByRole('button', { name: '저장' }).click();
  await owner.getByText('저장했습니다').waitFor();
  await owner.locator('.ad-item[data-item=I0201] .ad-check input').check();
  await owner.waitForFunction(() => !document.querySelector('.ad-item[data-item=I0201] .ad-check input')?.disabled);
  await owner.locator('.ad-item[data-item=I0101] img.ad-thumb').waitFor();
  await shot(owner, 'admin-menu-phone');
  assert.deepEqual(owner.problems, []);

  const guest = await phonePage(browser);
  await openTable(guest, server, '0001-0002');
  const row = guest.locator('.to-item', { hasText: '김치찌개' });
  const photo = row.locator('img.to-photo');
  await photo.scrollIntoViewIfNeeded();
  await guest.waitForFunction((el) => el.complete && el.naturalWidth > 0, await photo.elementHandle());
  assert.match(await row.locator('.to-item-desc').textContent(), /묵은지/);
  const pork = guest.locator('.to-item', { hasText: '삼겹살 (200g)' });
  assert.match(await pork.getAttribute('class'), /to-sold-out/);
  assert.ok(await pork.locator('.to-item-button').isDisabled(), 'sold out cannot be opened');
  await shot(guest, 'guest-photo-and-sold-out');
  await row.locator('.to-item-button').click();
  await guest.locator('.to-sheet img.to-photo').waitFor();
  assert.match(await guest.locator('.to-sheet .to-sheet-desc').textContent(), /묵은지/);
  await shot(guest, 'guest-item-sheet-photo');
  await expectAccessible(guest, 'item sheet with a photo');
  assert.deepEqual(guest.problems, []);
});

test('a guest whose phone speaks Chinese gets the page in Chinese, with the Korean name beside', async () => {
  const guest = await phonePage(browser, { locale: 'zh-CN' });
  await openTable(guest, server, '0001-0004');
  assert.equal(await guest.locator('html').getAttribute('lang'), 'zh');
  assert.equal(await guest.locator('.to-header select.to-lang').inputValue(), 'zh');
  const row = guest.locator('.to-item', { hasText: '泡菜汤' });
  assert.equal(await row.locator('.to-item-ko').textContent(), '김치찌개');
  assert.match(await guest.locator('.to-header').textContent(), /订单/);
  await shot(guest, 'menu-zh');
  await guest.locator('.to-header select.to-lang').selectOption('ja');
  await guest.locator('.to-header button', { hasText: '注文履歴' }).waitFor();
  // The menu is drawn again in Japanese: no Japanese name was given, so the Korean one.
  const kimchi = guest.locator('.to-item').filter({ has: guest.locator('.to-item-name', { hasText: '김치찌개' }) });
  assert.equal(await kimchi.locator('.to-item-ko').count(), 0);
  assert.equal(await guest.locator('.to-item', { hasText: '泡菜汤' }).count(), 0);
  await expectAccessible(guest, 'menu (ja)');
  await guest.locator('.to-header select.to-lang').selectOption('zh');
  assert.equal(await row.locator('.to-item-ko').textContent(), '김치찌개');
  assert.deepEqual(guest.problems, []);
});

test('on a tablet the items are a grid with photos and the cart stays beside them', async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'ko-KR', bypassCSP: true });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(server.tableUrl('0001-0007'));
  await page.locator('.to-cart-aside').waitFor();
  const columns = await page.locator('.to-items').first().evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  assert.ok(columns >= 2, `a grid, not a phone column (${columns})`);
  assert.equal(await page.locator('.to-cart-bar button').count(), 0);
  await page.locator('.to-item-button', { hasText: '공기밥' }).click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-aside .to-cart-line', { hasText: '공기밥' }).waitFor();
  assert.ok(await page.locator('.to-cart-aside .to-order').isEnabled());
  await shot(page, 'tablet-grid-cart');
  assert.deepEqual(problems, []);
});

test('on a desktop the owner sees today\'s orders and the tablets, and signs out', async () => {
  const guest = await phonePage(browser);
  await openTable(guest, server, '0001-0003');
  await guest.locator('.to-item-button', { hasText: '공기밥' }).click();
  await guest.locator('.to-sheet .to-primary').click();
  await guest.locator('.to-cart-bar button').click();
  await guest.locator('.to-order').click();

  const owner = await ownerPage({ width: 1280, height: 800 });
  await signIn(owner);
  await owner.getByRole('button', { name: '오늘 주문' }).click();
  await owner.locator('.ad-order', { hasText: '공기밥' }).waitFor();
  await shot(owner, 'admin-orders-desktop');
  await owner.getByRole('button', { name: '태블릿' }).click();
  await owner.getByRole('button', { name: '태블릿 등록 코드 만들기' }).click();
  await owner.locator('.ad-qr svg').waitFor();
  assert.match(await owner.locator('.ad-code-text').textContent(), /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await shot(owner, 'admin-tablets-desktop');
  await owner.getByRole('button', { name: '메뉴' }).click();
  await owner.locator('.ad-item').first().waitFor();
  await shot(owner, 'admin-menu-desktop');
  await owner.getByRole('button', { name: '로그아웃' }).click();
  await owner.getByLabel('관리자 토큰').waitFor();
  const status = await owner.evaluate(() => fetch('/api/v1/admin/stores/demo/status').then((r) => r.status));
  assert.equal(status, 401, 'signed out for real');
  assert.deepEqual(owner.problems, []);
});

test('the owner renews one table\'s code alone and binds a tablet to its table', async () => {
  const status = (table, link) => fetch(`${server.base}/api/v1/stores/demo/tables/${table}`, {
    headers: { 'x-table-token': new URL(link).searchParams.get('t') },
  }).then((r) => r.status);
  const [photographed, neighbour] = [server.tableUrl('0001-0008'), server.tableUrl('0001-0009')];
  const owner = await ownerPage({ width: 1280, height: 800 });
  await signIn(owner);
  await owner.getByRole('button', { name: '테이블', exact: true }).click();
  const row = owner.locator('.ad-row', { hasText: '0001-0008' });
  owner.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: '이 QR만 새로' }).click();
  await owner.locator('[role=status]', { hasText: 'QR 코드를 새로 만들었습니다' }).waitFor();
  assert.equal(await status('0001-0008', photographed), 404, 'the photographed sticker stopped');
  assert.equal(await status('0001-0009', neighbour), 200, 'the next table keeps its sticker');
  await owner.waitForFunction(
    (old) => document.querySelector('.ad-row a.ad-link[href*="table=0001-0008"]')?.href !== old,
    photographed,
  );
  const fresh = await row.locator('a.ad-link').getAttribute('href');
  assert.equal(await status('0001-0008', fresh), 200, 'the new link opens the table');
  await shot(owner, 'admin-table-renewed');

  const { body: { code } } = await server.admin('/enrolment-codes', 'POST');
  const enrolled = await fetch(`${server.base}/api/v1/stores/demo/devices`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name: '8번 테이블 태블릿' }),
  }).then((r) => r.json());
  await owner.getByRole('button', { name: '태블릿', exact: true }).click();
  const tablet = owner.locator('.ad-row', { hasText: '8번 테이블 태블릿' });
  await tablet.locator('select').selectOption('0001-0008');
  const device = { authorization: `Device ${enrolled.credential}` };
  const at = (table) => fetch(`${server.base}/api/v1/stores/demo/tables/${table}`, { headers: device }).then((r) => r.status);
  for (let i = 0; i < 50 && (await at('0001-0001')) !== 403; i += 1) await new Promise((r) => setTimeout(r, 100));
  assert.equal(await at('0001-0001'), 403, 'bound: another table is refused');
  assert.equal(await at('0001-0008'), 200);
  await shot(owner, 'admin-tablet-bound');
  assert.deepEqual(owner.problems, []);
});
