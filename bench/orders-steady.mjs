// Orders at a steady rate, as a busy store sends them, rather than as fast as wrk can: the
// same prepaid orders to `tableorder` (from an enrolled tablet) and, in the upstream's shape,
// through nginx straight to the simulator. Each request is timed from when it was due, so a
// slow answer counts against every order it held up. The overhead is what `tableorder` adds
// to nginx → simulator at the same rate. Prints `name value unit` lines.
//   node bench/orders-steady.mjs PROXY_URL NGINX_URL PREFIX   (env RATE=200 STEADY_SECONDS=10,
//   STEADY_ROUNDS=3, BENCH_TABLES, BENCH_TABLET, BENCH_APPROVED_AT as bench/load.sh sets them)
import { ok, send } from './http-client.mjs';

const [proxy, nginx, prefix = 'orders_steady'] = process.argv.slice(2);
const rate = Number(process.env.RATE ?? 200);
const seconds = Number(process.env.STEADY_SECONDS ?? 10);
const tables = Number(process.env.BENCH_TABLES ?? 50);
const tablet = process.env.BENCH_TABLET;
const approvedAt = process.env.BENCH_APPROVED_AT;
const run = `${process.pid}${Date.now() % 100000}`;
const table = (n) => String((n % tables) + 1).padStart(4, '0');

const toProxy = (n) => ({
  url: `${proxy}/api/v1/stores/demo/tables/0001-${table(n)}/orders`,
  headers: { 'content-type': 'application/json', authorization: `Device ${tablet}` },
  body: JSON.stringify({
    clientOrderId: `steady-${run}-${n}`,
    kind: 'new',
    lines: [{ itemId: 'I0201', count: 1 }],
    payment: {
      method: 'card',
      approvals: [{ amount: 16000, approvalNo: `${run}${n}`, approvedAt }],
    },
  }),
});

const toNginx = (n) => ({
  url: `${nginx}/partner/v1/table/order/new`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    STORE_ID: 'S0000001', SERVICE_ID: 'SV-DEMO-0001', MCHT_ORDERNO: `steady-nginx-${run}-${n}`,
    ORG_ORDER_PAY_AMT: '16000', ORDER_PAY_AMT: '16000', DISC_AMT: '0', PREPAY_FLAG: 'Y',
    FLR_CODE: '0001', TBL_CODE: table(n),
    ITEM_LIST: [{ ITEM_ID: 'I0201', ITEM_NAME: 'x', SALE_PRICE: '16000', SALE_AMT: '16000', ITEM_CNT: '1', ADDITIVE_ITEM_LIST: [] }],
    ORD_PAY_LIST: [{ PAY_TYPE: 'card', CAN_FLAG: 'N', SALE_AMT: '16000', AUTH_NO: `${run}${n}` }],
  }),
});

// One side's run of `rate * seconds` orders, numbered from `first`.
async function steady(make, first) {
  const latencies = [];
  let errors = 0;
  const total = rate * seconds;
  const start = performance.now();
  const sent = [];
  for (let i = 0; i < total; i += 1) {
    const n = first + i;
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { url, headers, body } = make(n);
    sent.push(
      send(url, { method: 'POST', headers, body })
        .then((status) => {
          if (!ok(status)) errors += 1;
        })
        .catch(() => {
          errors += 1;
        })
        .finally(() => latencies.push(performance.now() - due)),
    );
  }
  await Promise.all(sent);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), errors, count: latencies.length };
}

// A short warm-up each, so neither side pays for its first connections in the figures.
const warm = async (make) => {
  for (let n = 0; n < 20; n += 1) {
    const { url, headers, body } = make(1e9 + n);
    await send(url, { method: 'POST', headers, body });
  }
};
await warm(toProxy);
await warm(toNginx);
// The two sides alternate, STEADY_ROUNDS times: one run's p99 is a handful of orders, and a
// single stall of this machine's on either side moves it by milliseconds. Each figure is the
// median of the rounds, the overhead the median of each round's own.
const rounds = Math.max(1, Number(process.env.STEADY_ROUNDS ?? 3));
const runs = [];
for (let r = 0; r < rounds; r += 1) {
  const p = await steady(toProxy, r * rate * seconds);
  const n = await steady(toNginx, r * rate * seconds);
  runs.push({ proxy: p, nginx: n, overhead: p.p99 - n.p99 });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
console.log(`${prefix}_rate ${rate} orders/s`);
for (const side of ['proxy', 'nginx']) {
  console.log(`${prefix}_${side}_p50 ${median(runs.map((r) => r[side].p50)).toFixed(2)} ms`);
  console.log(`${prefix}_${side}_p99 ${median(runs.map((r) => r[side].p99)).toFixed(2)} ms`);
  console.log(`${prefix}_${side}_errors ${runs.reduce((e, r) => e + r[side].errors, 0)} requests`);
}
const overheads = runs.map((r) => r.overhead);
console.log(
  `${prefix}_overhead_p99 ${median(overheads).toFixed(2)} ms (rounds: ${overheads.map((o) => o.toFixed(2)).join(' ')})`,
);
