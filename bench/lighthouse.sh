#!/usr/bin/env bash
# Lighthouse (mobile, the default) against the demo page served by `tableorder serve` with
# compression, in headless Debian Chromium. Prints `name value unit` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8191}
./target/server/tableorder serve --listen "127.0.0.1:$PORT" --dist dist --data "$(mktemp -d)" >/tmp/tableorder-lh.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
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
console.log(`lighthouse_performance_score ${Math.round(r.categories.performance.score * 100)} points`);
console.log(`lighthouse_lcp ${Math.round(a["largest-contentful-paint"].numericValue)} ms`);
console.log(`lighthouse_fcp ${Math.round(a["first-contentful-paint"].numericValue)} ms`);
console.log(`lighthouse_tbt ${Math.round(a["total-blocking-time"].numericValue)} ms`);
console.log(`lighthouse_cls ${a["cumulative-layout-shift"].numericValue.toFixed(3)} score`);
console.log(`lighthouse_total_bytes ${a["total-byte-weight"].numericValue} bytes`);
' "$out/lh.json"
rm -rf "$out"
