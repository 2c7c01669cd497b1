// What a busy store costs the Order Agent: phones at every table polling as the widget does
// while guests order, counted in the simulator's own calls. Prints `name value unit`:
//   - upstream inquiries (every table's and the store-wide) per store per poll interval;
//   - polls that failed (anything but 200);
//   - the status latency a guest sees: from the moment the POS takes an order (the
//     simulator delivers each DELIVERY_MS after it is sent) to the first poll showing it
//     accepted, p50 and p99.
//   node bench/coalescing.mjs BASE_URL [PREFIX]   (a `tableorder serve --sim-control`, or
//   a cluster's nginx with SIM_URL)
// env: SIM_URL, TABLES (30), PHONES (4 per table), INTERVALS (24), ORDER_EVERY_MS (10000: a
// guest somewhere in the store orders this often), DELIVERY_MS (1000), ADMIN_TOKEN.
import http from 'node:http';

const base = process.argv[2] ?? 'http://127.0.0.1:8191';
const prefix = process.argv[3] ?? 'store_polling';
const sim = process.env.SIM_URL ?? base;
const intervals = Number(process.env.INTERVALS ?? 24);
const phonesPerTable = Number(process.env.PHONES ?? 4);
const orderEvery = Number(process.env.ORDER_EVERY_MS ?? 10000);
const deliveryMs = Number(process.env.DELIVERY_MS ?? 1000);
const agent = new http.Agent({ keepAlive: true });

// One request; resolves to { status, body } (the body parsed when it is JSON).
function call(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed = null;
        try { parsed = JSON.parse(text); } catch { parsed = null; }
        resolve({ status: res.statusCode, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const control = (path, body) => call(`${sim}/sim/${path}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const config = (await call(`${base}/api/v1/config`)).body;
const interval = config.pollIntervalMs;
const links = (await call(`${base}/api/v1/admin/stores/demo/links?baseUrl=${encodeURIComponent(base)}`, {
  headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
})).body;
const tokens = new Map(links.map((l) => [l.table, new URL(l.url).searchParams.get('t')]));
const tables = links.map((l) => l.table).slice(0, Number(process.env.TABLES ?? 30));

await control('reset', {});
await control('delivery', { mode: 'delay', delayMs: deliveryMs });

// Orders placed, by clientOrderId: when the POS takes each, and when a phone first saw it.
const placed = new Map();
let failedPolls = 0;
let polls = 0;
const until = Date.now() + interval * intervals;

async function phone(table) {
  await sleep(Math.random() * interval);
  while (Date.now() < until) {
    const mine = [...placed.entries()].filter(([, o]) => o.table === table && !o.seenAt).map(([id]) => id);
    const query = mine.length ? `?mine=${mine.join(',')}` : '';
    const answer = await call(`${base}/api/v1/stores/demo/tables/${table}/orders${query}`, {
      headers: { 'x-table-token': tokens.get(table) },
    }).catch(() => ({ status: 0 }));
    polls += 1;
    if (answer.status !== 200) {
      failedPolls += 1;
    } else {
      for (const o of answer.body.orders) {
        const ours = o.clientOrderId && placed.get(o.clientOrderId);
        if (ours && !ours.seenAt && o.status !== 'waiting' && o.status !== 'failed') ours.seenAt = Date.now();
      }
    }
    // As the widget does: again when the server says its next look is due, else each interval.
    const hint = answer.body?.nextPollMs;
    await sleep(hint === undefined ? interval : Math.min(interval, Math.max(250, hint)));
  }
}

// A guest somewhere orders every ORDER_EVERY_MS: new at a free table, added onto an open bill.
async function guests() {
  let n = 0;
  while (Date.now() < until - interval * 2) {
    const table = tables[Math.floor(Math.random() * tables.length)];
    const headers = { 'content-type': 'application/json', 'x-table-token': tokens.get(table) };
    const view = await call(`${base}/api/v1/stores/demo/tables/${table}/orders`, { headers });
    const open = view.body?.openOrderNo;
    const id = `bench-${process.pid}-${(n += 1)}`;
    const sentAt = Date.now();
    const answer = await call(`${base}/api/v1/stores/demo/tables/${table}/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        clientOrderId: id, kind: open ? 'add' : 'new', ...(open ? { openOrderNo: open } : {}),
        lines: [{ itemId: 'I0201', count: 1 }],
      }),
    }).catch(() => ({ status: 0 }));
    // The POS takes it DELIVERY_MS after it was sent at the earliest: latency counts from there.
    if (answer.status >= 200 && answer.status < 300) placed.set(id, { table, acceptedAt: sentAt + deliveryMs });
    else console.error(`order at ${table}: ${answer.status} ${JSON.stringify(answer.body)}`);
    await sleep(orderEvery);
  }
}

const before = (await call(`${sim}/sim/calls`)).body;
const started = Date.now();
await Promise.all([guests(), ...tables.flatMap((t) => Array.from({ length: phonesPerTable }, () => phone(t)))]);
const elapsedIntervals = (Date.now() - started) / interval;
const after = (await call(`${sim}/sim/calls`)).body;
const inquiries = ['/partner/v1/table/order', '/partner/v2/table/order']
  .map((path) => (after[path] ?? 0) - (before[path] ?? 0));
const latencies = [...placed.values()].filter((o) => o.seenAt).map((o) => o.seenAt - o.acceptedAt).sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;

console.log(`${prefix}_tables ${tables.length} tables`);
console.log(`${prefix}_phones ${tables.length * phonesPerTable} phones`);
console.log(`${prefix}_poll_interval ${interval} ms`);
console.log(`${prefix}_polls ${polls} polls`);
console.log(`${prefix}_failed_polls ${failedPolls} polls`);
console.log(`${prefix}_orders ${placed.size} orders`);
console.log(`${prefix}_orders_never_seen_accepted ${placed.size - latencies.length} orders`);
console.log(`${prefix}_table_inquiries_per_interval ${(inquiries[0] / elapsedIntervals).toFixed(2)} calls`);
console.log(`${prefix}_store_inquiries_per_interval ${(inquiries[1] / elapsedIntervals).toFixed(2)} calls`);
console.log(`${prefix}_inquiries_per_store_per_interval ${((inquiries[0] + inquiries[1]) / elapsedIntervals).toFixed(2)} calls`);
console.log(`${prefix}_status_latency_p50 ${pick(0.5)} ms`);
console.log(`${prefix}_status_latency_p99 ${pick(0.99)} ms`);
if (failedPolls > 0 && process.env.STRICT) process.exit(1);
