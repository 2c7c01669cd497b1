// Phones as they really poll: PHONES of them spread over the store's tables, each asking for
// its table's orders once per poll interval (with its table's link token), for PHONES_SECONDS.
// Unlike wrk, a slow answer does not slow the next phone down. Prints `name value unit`
// lines: requests, p50, p99, max and errors.
//   node bench/phones.mjs BASE_URL LINKS_JSON PREFIX   (env PHONES=500 PHONES_SECONDS=20 INTERVAL_MS=500)
import { readFileSync } from 'node:fs';
import { ok, send } from './http-client.mjs';

const [base, linksFile, prefix = 'phones'] = process.argv.slice(2);
const phones = Number(process.env.PHONES ?? 500);
const seconds = Number(process.env.PHONES_SECONDS ?? 20);
const interval = Number(process.env.INTERVAL_MS ?? 500);
const links = JSON.parse(readFileSync(linksFile, 'utf8')).map((l) => ({
  table: l.table.id ?? l.table,
  token: new URL(l.url).searchParams.get('t'),
}));

const latencies = [];
let errors = 0;
const until = Date.now() + seconds * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function phone(i) {
  const { table, token } = links[i % links.length];
  const url = `${base}/api/v1/stores/demo/tables/${table}/orders`;
  // Phones open the page at different moments.
  await sleep(Math.random() * interval);
  while (Date.now() < until) {
    const start = performance.now();
    try {
      if (!ok(await send(url, { headers: { 'x-table-token': token } }))) errors += 1;
    } catch {
      errors += 1;
    }
    const took = performance.now() - start;
    latencies.push(took);
    await sleep(Math.max(0, interval - took));
  }
}

await Promise.all(Array.from({ length: phones }, (_, i) => phone(i)));
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
console.log(`${prefix}_tables ${Math.min(links.length, phones)} tables`);
console.log(`${prefix}_requests ${latencies.length} requests`);
console.log(`${prefix}_p50 ${at(0.5).toFixed(2)} ms`);
console.log(`${prefix}_p99 ${at(0.99).toFixed(2)} ms`);
console.log(`${prefix}_max ${at(1).toFixed(2)} ms`);
console.log(`${prefix}_errors ${errors} requests`);
