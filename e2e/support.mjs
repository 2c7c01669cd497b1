// Shared e2e harness: a real `tableorder serve` with its simulated POS on a short clock,
// and Debian's Chromium at phone size.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const BIN = process.env.E2E_BIN ?? join(here, '..', 'target', 'debug', 'tableorder');
const DIST = process.env.E2E_DIST ?? join(here, '..', 'dist');

export const ADMIN_TOKEN = 'e2e-admin-token-of-this-test-run';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Starts the proxy with the embedded simulator; resolves once it serves. */
export async function startServer(env = {}) {
  const data = mkdtempSync(join(tmpdir(), 'tableorder-e2e-'));
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--dist', DIST, '--data', data, '--sim-control'], {
    env: {
      PATH: process.env.PATH,
      TABLEORDER_LOG: 'warn',
      TABLEORDER_SIMULATOR__DELIVERY_DELAY_MS: '300',
      TABLEORDER_SIMULATOR__ACCEPT_WINDOW_MS: '4000',
      TABLEORDER_TIMING__POLL_INTERVAL_MS: '500',
      TABLEORDER_TIMING__OCCUPIED_RETRY_MS: '1000',
      TABLEORDER_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/serving on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  // The printed links, as the owner's QR sheet has them.
  const links = async () => {
    const list = await fetch(`${base}/api/v1/admin/stores/demo/links?baseUrl=${encodeURIComponent(base)}`, { headers: admin })
      .then((r) => r.json());
    return new Map(list.map((l) => [l.table, l.url]));
  };
  let printed = await links();
  return {
    base,
    /** A table's printed link (a table that does not exist gets a link without a token). */
    tableUrl: (table, extra = '') => `${printed.get(table) ?? `${base}/?store=demo&table=${table}`}${extra}`,
    /** Reads the printed links again (after the key was rotated). */
    reprint: async () => { printed = await links(); },
    admin: (path, method = 'GET') => fetch(`${base}/api/v1/admin/stores/demo${path}`, { method, headers: admin })
      .then(async (r) => ({ status: r.status, body: r.status === 204 ? null : await r.json().catch(() => null) })),
    sim: (path, body) => fetch(`${base}/sim${path}`, body === undefined ? {} : {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then((r) => r.json()),
    /** The orders on the simulated POS, oldest first. */
    posOrders: async () => (await fetch(`${base}/sim/orders`).then((r) => r.json())).orders,
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }),
  };
}

/** The tablet example on a tablet-sized page, enrolled with a fresh code from the owner. */
export async function enrolledTablet(browser, server, query) {
  const context = await browser.newContext({ viewport: { width: 800, height: 1280 }, bypassCSP: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  await page.goto(`${server.base}/examples/tablet.html?${query}`);
  const { status, body } = await server.admin('/enrolment-codes', 'POST');
  if (status !== 201) throw new Error(`no enrolment code: ${status}`);
  await page.locator('#enrol input[name=code]').fill(body.code);
  await page.locator('#enrol button[type=submit]').click();
  await page.locator('.to-item-button').first().waitFor();
  return page;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/** A phone-sized page that records what went wrong in it. */
export async function phonePage(browser, { locale = 'ko-KR' } = {}) {
  // bypassCSP only lets the tests inject axe-core; the page itself runs under the real policy.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale, hasTouch: true, bypassCSP: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  // The server draws a table's page before the widget's code arrives; a guest's taps do
  // something once the widget has taken it over (the server marks it busy until then).
  const goto = page.goto.bind(page);
  page.gotoDrawn = goto;
  page.goto = async (...args) => {
    const response = await goto(...args);
    await page.waitForFunction(() => !document.querySelector('[data-tableorder][aria-busy]'));
    return response;
  };
  return page;
}

/**
 * The page's first `count` fetches of a file matching `pattern` fail, as on a connection
 * that drops; later ones go through. Returns how many have failed so far.
 */
export async function failFirstFetches(page, pattern, count) {
  let failed = 0;
  await page.route(pattern, async (route) => {
    if (failed < count) {
      failed += 1;
      await route.abort('internetdisconnected');
    } else {
      await route.continue();
    }
  });
  return () => failed;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Opens the table page and waits for the menu. */
export async function openTable(page, server, table, extra = '') {
  await page.goto(server.tableUrl(table, extra));
  await page.locator('.to-item-button').first().waitFor();
}

/** Puts `count` of a plain item in the cart and presses "order". */
export async function orderPlain(page, name = '삼겹살 (200g)') {
  await page.locator('.to-item-button', { hasText: name }).click();
  await page.locator('.to-sheet .to-primary').click();
  await page.locator('.to-cart-bar button').click();
  await page.locator('.to-order').click();
}

export async function statusText(page) {
  return (await page.locator('.to-status').textContent()) ?? '';
}

/** Waits until the status card says `pattern`. */
export async function waitForStatus(page, pattern, timeout = 15000) {
  await page.waitForFunction(
    ([source, flags]) => new RegExp(source, flags).test(document.querySelector('.to-status')?.textContent ?? ''),
    [pattern.source, pattern.flags],
    { timeout },
  );
}

/** axe-core on the widget: no serious or critical violation. */
export async function expectAccessible(page, label) {
  await page.addScriptTag({ path: join(here, '..', 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document.querySelector('.tableorder'), { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  if (violations.length) throw new Error(`${label}: ${violations.join('\n')}`);
}
