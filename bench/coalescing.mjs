// Upstream inquiries per table per poll interval when N phones poll each table, read from
// the simulator's own call count. Prints `name value unit`.
//   node bench/coalescing.mjs BASE_URL [PREFIX]   (a `tableorder serve --sim-control`)
// env: SIM_URL (a standalone simulator, when BASE_URL is a cluster's nginx), TABLES (10),
// PHONES ("1,5,20": phones per table, one run each), ADMIN_TOKEN.
import { send } from './http-client.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8191';
const prefix = process.argv[3] ?? 'coalescing';
const sim = process.env.SIM_URL ?? base;
const intervals = 5;
const config = await fetch(`${base}/api/v1/config`).then((r) => r.json());
// Each table's printed link token, from the owner's list.
const links = await fetch(`${base}/api/v1/admin/stores/demo/links?baseUrl=${encodeURIComponent(base)}`, {
  headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}` },
}).then((r) => r.json());
const tokens = new Map(links.map((l) => [l.table, new URL(l.url).searchParams.get('t')]));
const tables = links.map((l) => l.table).slice(0, Number(process.env.TABLES ?? 10));
const counts = (process.env.PHONES ?? '1,5,20').split(',').map(Number);
const interval = config.pollIntervalMs;

async function poller(table, until) {
  // A phone starts at a random moment and then polls every interval, as the widget does.
  await new Promise((r) => setTimeout(r, Math.random() * interval));
  while (Date.now() < until) {
    const status = await send(`${base}/api/v1/stores/demo/tables/${table}/orders`, { headers: { 'x-table-token': tokens.get(table) } });
    if (status !== 200) throw new Error(`poll answered ${status}`);
    await new Promise((res) => setTimeout(res, interval));
  }
}

console.log(`${prefix}_tables ${tables.length} tables`);
for (const n of counts) {
  await fetch(`${sim}/sim/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const until = Date.now() + interval * (intervals + 1);
  const started = Date.now();
  await Promise.all(tables.flatMap((t) => Array.from({ length: n }, () => poller(t, until))));
  const elapsedIntervals = (Date.now() - started) / interval;
  const calls = (await fetch(`${sim}/sim/calls`).then((r) => r.json()))['/partner/v1/table/order'] ?? 0;
  const perTable = calls / tables.length / elapsedIntervals;
  console.log(`${prefix}_pollers_${n}_inquiries_per_table_per_interval ${perTable.toFixed(2)} calls`);
}
