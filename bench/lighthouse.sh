#!/usr/bin/env bash
# Lighthouse (mobile, the default) against a table's page served by `tableorder serve` with
# compression, in headless Debian Chromium; then the page's long tasks, run at 4x slowed CPU
# (bench/long-tasks.mjs). Prints `name value unit` lines.
#   STORE=big: the 280-item, 45-table store of bench/big-store.mjs (figures named lighthouse_big_*).
#   LH_KEEP=path: also keep Lighthouse's JSON report there (its long tasks, its trace's figures).
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
CHROME_PATH=/usr/bin/chromium ./node_modules/.bin/lighthouse \
  "$url" \
  --quiet --only-categories=performance --output=json --output-path="$out/lh.json" \
  --chrome-flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const a = r.audits;
const p = process.argv[2];
console.log(`${p}_performance_score ${Math.round(r.categories.performance.score * 100)} points`);
console.log(`${p}_lcp ${Math.round(a["largest-contentful-paint"].numericValue)} ms`);
console.log(`${p}_fcp ${Math.round(a["first-contentful-paint"].numericValue)} ms`);
console.log(`${p}_tbt ${Math.round(a["total-blocking-time"].numericValue)} ms`);
console.log(`${p}_cls ${a["cumulative-layout-shift"].numericValue.toFixed(3)} score`);
console.log(`${p}_total_bytes ${a["total-byte-weight"].numericValue} bytes`);
// The table page itself, as sent (compressed): it carries the drawn menu and its data.
console.log(`${p}_page_transfer ${a["network-requests"].details.items[0].transferSize} bytes`);
' "$out/lh.json" "$prefix"
[ -n "${LH_KEEP:-}" ] && cp "$out/lh.json" "$LH_KEEP"; rm -rf "$out"
node bench/long-tasks.mjs "$url" "$tasks"
