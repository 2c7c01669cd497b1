#!/usr/bin/env bash
# Lighthouse (mobile, the default) against a table's page served by `tableorder serve` with
# compression, in headless Debian Chromium, LH_RUNS times (5 unless set: the goals hold in
# every run, so each run is printed, then the worst and the median); then the page's long
# tasks, run at 4x slowed CPU (bench/long-tasks.mjs). Prints `name value unit` lines.
#   STORE=big: the 280-item, 45-table store of bench/big-store.mjs (figures named lighthouse_big_*).
#   LH_KEEP=path: also keep the last run's JSON report there (its long tasks, its trace's figures).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8191}
data=$(mktemp -d)
prefix=lighthouse
tasks=long_tasks
if [ "${STORE:-demo}" = big ]; then
  node bench/big-store.mjs "$data/big-store.json"
  export TABLEORDER_SIMULATOR__FIXTURE="$data/big-store.json"
  prefix=lighthouse_big
  tasks=long_tasks_big
fi
./target/server/tableorder serve --listen "127.0.0.1:$PORT" --dist dist --data "$data" >/tmp/tableorder-lh.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 50); do grep -q 'open a table:' /tmp/tableorder-lh.log && break; sleep 0.1; done
# The first table's printed link, as the server announces it.
url=$(grep -o 'open a table: .*' /tmp/tableorder-lh.log | cut -d' ' -f4)
out=$(mktemp -d)
runs=${LH_RUNS:-5}
for run in $(seq "$runs"); do
  CHROME_PATH=/usr/bin/chromium ./node_modules/.bin/lighthouse \
    "$url" \
    --quiet --only-categories=performance --output=json --output-path="$out/lh-$run.json" \
    --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
done
node -e '
const fs = require("fs");
const [dir, p, runs] = process.argv.slice(1);
const reports = Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/lh-${i + 1}.json`, "utf8")));
const figure = (r, audit) => r.audits[audit].numericValue;
const each = {
  performance_score: [(r) => Math.round(r.categories.performance.score * 100), "points", "min"],
  lcp: [(r) => Math.round(figure(r, "largest-contentful-paint")), "ms", "max"],
  fcp: [(r) => Math.round(figure(r, "first-contentful-paint")), "ms", "max"],
  tbt: [(r) => Math.round(figure(r, "total-blocking-time")), "ms", "max"],
  cls: [(r) => figure(r, "cumulative-layout-shift").toFixed(3), "score", "max"],
};
for (const [name, [of, unit, worst]] of Object.entries(each)) {
  const values = reports.map(of);
  const sorted = [...values].map(Number).sort((a, b) => a - b);
  console.log(`${p}_${name}_runs ${values.join("/")} ${unit}`);
  console.log(`${p}_${name}_${worst === "max" ? "worst" : "lowest"} ${worst === "max" ? sorted.at(-1) : sorted[0]} ${unit}`);
  console.log(`${p}_${name}_median ${sorted[Math.floor(sorted.length / 2)]} ${unit}`);
}
const last = reports.at(-1).audits;
console.log(`${p}_total_bytes ${last["total-byte-weight"].numericValue} bytes`);
// The table page itself, as sent (compressed): it carries the drawn menu and its data.
console.log(`${p}_page_transfer ${last["network-requests"].details.items[0].transferSize} bytes`);
' "$out" "$prefix" "$runs"
[ -n "${LH_KEEP:-}" ] && cp "$out/lh-$runs.json" "$LH_KEEP"; rm -rf "$out"
node bench/long-tasks.mjs "$url" "$tasks"
