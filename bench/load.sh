#!/usr/bin/env bash
# Proxy load with wrk, side by side with nginx serving the same menu JSON and proxying the
# same simulator: the menu GET, inquiries from 20 pollers per table, and order POSTs; 500
# phones polling as phones do (bench/phones.mjs); and orders at a steady rate, timed against
# the same orders through nginx (bench/orders-steady.mjs). Prints `name value unit` lines:
# requests/s, p50, p99, CPU time per request and the ratio to nginx. LOAD_BIN runs
# another build of the server (to compare two).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
bin=${LOAD_BIN:-./target/server/tableorder}
work=$(mktemp -d)
pids=()
# The servers are waited for: a proxy drains its orders before it exits, and the next run
# needs its port.
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

# LOAD_STORE=demo (default): the demo menu over 100 tables; LOAD_STORE=big: the 280-item,
# 45-table store of bench/big-store.mjs (figures named load_big_*).
if [ "${LOAD_STORE:-demo}" = big ]; then
  node bench/big-store.mjs "$work/store.json"
  export BENCH_TABLES=45
  name=load_big
else
  node -e '
  const f = JSON.parse(require("fs").readFileSync("crates/pos-sim/fixtures/demo-store.json", "utf8"));
  f.TABLE_LIST = Array.from({ length: 100 }, (_, i) => ({ FLR_CODE: "0001", TBL_CODE: String(i + 1).padStart(4, "0"), FLR_NAME: "1층", TBL_NAME: `${i + 1}번` }));
  require("fs").writeFileSync(process.argv[1], JSON.stringify(f));
  ' "$work/store.json"
  export BENCH_TABLES=100
  name=load
fi

"$bin" sim --listen 127.0.0.1:9191 --fixture "$work/store.json" --accept-window-ms 600000 >"$work/sim.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:9191/sim/calls
ADMIN=bench-admin-token-000000000000
TABLEORDER_LOG=warn TABLEORDER_ADMIN_TOKEN=$ADMIN \
TABLEORDER_STORES__DEMO__STORE_ID=S0000001 TABLEORDER_STORES__DEMO__SERVICE_ID=SV-DEMO-0001 \
TABLEORDER_LIMITS__REQUESTS_PER_MINUTE_PER_CLIENT=100000000 TABLEORDER_LIMITS__ORDERS_PER_MINUTE_PER_TABLE=100000000 \
TABLEORDER_LIMITS__PAGES_PER_MINUTE_PER_CLIENT=100000000 TABLEORDER_METRICS_LISTEN=127.0.0.1:8193 \
  "$bin" serve --listen 127.0.0.1:8191 --upstream http://127.0.0.1:9191 --dist dist --data "$work/data" >"$work/proxy.log" 2>&1 &
pids+=($!)
proxy_pid=$!
wait_for http://127.0.0.1:8191/healthz
# Phones poll with their table's printed link; orders come from an enrolled tablet (they are
# prepaid), each with an approval of its own from this minute.
curl -sf -H "authorization: Bearer $ADMIN" \
  "http://127.0.0.1:8191/api/v1/admin/stores/demo/links?baseUrl=http://127.0.0.1:8191" -o "$work/links.json"
node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));
  console.log("tokens = {" + l.map(x => `["${x.table}"]="${new URL(x.url).searchParams.get("t")}"`).join(",") + "}")' \
  "$work/links.json" >"$work/tokens.lua"
code=$(curl -sf -X POST -H "authorization: Bearer $ADMIN" http://127.0.0.1:8191/api/v1/admin/stores/demo/enrolment-codes |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).code))')
export BENCH_TABLET BENCH_TOKENS="$work/tokens.lua" BENCH_APPROVED_AT
BENCH_TABLET=$(curl -sf -X POST -H 'content-type: application/json' -d "{\"code\":\"$code\",\"name\":\"bench\"}" \
  http://127.0.0.1:8191/api/v1/stores/demo/devices |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).credential))')
BENCH_APPROVED_AT=$(TZ=Asia/Seoul date +%Y%m%d%H%M%S)

mkdir -p "$work/www"
curl -sf http://127.0.0.1:8191/api/v1/stores/demo/menu -o "$work/www/menu.json"
# nginx workers run as an unprivileged user: let them read the file.
chmod -R a+rX "$work"
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  upstream sim { server 127.0.0.1:9191; keepalive 64; }
  server {
    listen 127.0.0.1:8192;
    location = /menu.json { root $work/www; default_type application/json; }
    location /partner/ { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_for http://127.0.0.1:8192/menu.json
mapfile -t nginx_workers < <(pgrep -P "${pids[-1]}")

# CPU time (user + system, in clock ticks) the given processes have used so far.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }

# wrk's figures: requests/s, and p50/p99 in ms; with the server's processes named after the
# URL, also the CPU time they spent per request (steadier than throughput when this
# machine's speed drifts; for the proxy it includes the upstream calls it makes).
run() {
  local name=$1 connections=$2 script=$3 url=$4
  shift 4
  local out before after
  BENCH_RUN=$((RANDOM * 32768 + RANDOM))
  export BENCH_RUN
  before=$(cpu_ticks "$@")
  out=$(wrk -t2 -c"$connections" -d"$DURATION" --latency ${script:+-s "$script"} "$url")
  after=$(cpu_ticks "$@")
  echo "$out" | awk -v name="$name" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v watched=$# '
    / requests in / && watched > 0 && $1 > 0 { printf "%s_cpu %.2f us/request\n", name, ticks / hz * 1e6 / $1 }
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { printf "%s_rps %.0f req/s\n", name, $2 }
    $1 == "50%" { printf "%s_p50 %.2f ms\n", name, ms($2) }
    $1 == "99%" { printf "%s_p99 %.2f ms\n", name, ms($2) }
    /Non-2xx/ { printf "%s_non_2xx %d responses\n", name, $NF }'
}
# The proxy's upstream calls so far: sends, then table inquiries (from /metrics).
upstream_calls() {
  curl -s http://127.0.0.1:8193/metrics | awk '
    /^tableorder_upstream_calls_total\{op="place"/ { s += $2 }
    /^tableorder_upstream_calls_total\{op="table_orders"/ { i += $2 }
    END { print s + 0, i + 0 }'
}
# The proxy's histogram of claims (the wait for an order's record to be on the disk before
# it is sent): one `bound count` line per bucket, cumulative, bounds in seconds.
claim_buckets() {
  curl -s http://127.0.0.1:8193/metrics |
    sed -n 's/^tableorder_order_claim_seconds_bucket{le="\([^"]*\)"} \([0-9]*\).*/\1 \2/p'
}
# The simulator's orders from an earlier run are forgotten, so each run meets the same POS.
reset_sim() { curl -s -X POST http://127.0.0.1:9191/sim/reset -d '{}' -H 'content-type: application/json' >/dev/null; }

# The proxy and nginx side by side, alternately, LOAD_ROUNDS times (this machine's speed
# drifts from minute to minute): each figure is the median of the rounds, and the ratio the
# median of each round's own ratio.
ROUNDS=${LOAD_ROUNDS:-3}
paired() {
  local kind=$1 connections=$2 proxy_script=$3 proxy_url=$4 nginx_script=$5 nginx_url=$6
  local rounds
  rounds=$(mktemp)
  for round in $(seq "$ROUNDS"); do
    run "${name}_${kind}_proxy" "$connections" "$proxy_script" "$proxy_url" "$proxy_pid" | sed "s/^/$round /" >>"$rounds"
    [[ $kind == orders ]] && reset_sim
    run "${name}_${kind}_nginx" "$connections" "$nginx_script" "$nginx_url" "${nginx_workers[@]}" | sed "s/^/$round /" >>"$rounds"
  done
  awk -v ratio_name="${name}_${kind}_proxy_to_nginx" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return a[int((n + 1) / 2)]
    }
    { values[$2] = values[$2] " " $3; unit[$2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++names] = $2 }
      by_round[$1, $2] = $3 }
    END {
      for (i = 1; i <= names; i++) printf "%s %s %s\n", order[i], median(values[order[i]]), unit[order[i]]
      for (r = 1; (r, order[1]) in by_round; r++) {
        p = by_round[r, "'"${name}_${kind}"'_proxy_rps"]; n = by_round[r, "'"${name}_${kind}"'_nginx_rps"]
        if (n > 0) ratios = ratios " " sprintf("%.2f", p / n)
      }
      printf "%s %s ratio (rounds:%s)\n", ratio_name, median(ratios), ratios
    }' "$rounds"
  rm -f "$rounds"
}

# LOAD_KINDS picks some of them (e.g. `LOAD_KINDS=orders`).
KINDS=${LOAD_KINDS:-menu inquiry phones orders steady}
wanted() { [[ " $KINDS " == *" $1 "* ]]; }
if wanted menu; then
  paired menu 50 "" http://127.0.0.1:8191/api/v1/stores/demo/menu "" http://127.0.0.1:8192/menu.json
fi
if wanted inquiry; then
  paired inquiry 1000 bench/wrk/inquiry-proxy.lua http://127.0.0.1:8191 bench/wrk/inquiry-nginx.lua http://127.0.0.1:8192
fi
if wanted phones; then
  # 500 phones polling every 500 ms: the demo store over 100 tables, the large one over its 45.
  node bench/phones.mjs http://127.0.0.1:8191 "$work/links.json" "${name}_phones"
fi
if wanted orders; then
  paired orders 50 bench/wrk/orders-proxy.lua http://127.0.0.1:8191 bench/wrk/orders-nginx.lua http://127.0.0.1:8192
fi
if wanted steady; then
  # The same orders at a steady 200 a second: what the proxy adds to each, not its ceiling.
  reset_sim
  calls_before=$(upstream_calls)
  claims_before=$(claim_buckets)
  node bench/orders-steady.mjs http://127.0.0.1:8191 http://127.0.0.1:8192 "${name}_orders_steady"
  # What each order cost upstream, from the proxy's own counters: the send, and any look at
  # the table it needed first.
  printf '%s\n%s\n' "$calls_before" "$(upstream_calls)" | awk -v n="$(( ${RATE:-200} * ${STEADY_SECONDS:-10} * ${STEADY_ROUNDS:-3} ))" -v p="${name}_orders_steady" '
    NR == 1 { split($0, b, " ") } NR == 2 { split($0, a, " ") }
    END {
      printf "%s_sends_per_order %.2f calls\n", p, (a[1] - b[1]) / n
      printf "%s_inquiries_per_order %.2f calls\n", p, (a[2] - b[2]) / n
    }'
  # The claims of this run, by bucket: the bound under which half of them, and 99 in 100, were
  # committed.
  { echo "$claims_before"; echo ---; claim_buckets; } | awk -v p="${name}_orders_steady_claim" '
    $1 == "---" { after = 1; next }
    !after { before[$1] = $2; next }
    { bound[++n] = $1; count[n] = $2 - before[$1] }
    END {
      total = count[n]
      for (q = 1; q <= 2; q++) {
        want = (q == 1 ? 0.5 : 0.99) * total
        for (i = 1; i <= n && count[i] < want; i++) {}
        printf "%s_%s_at_most %s ms\n", p, (q == 1 ? "p50" : "p99"), (bound[i] == "+Inf" ? "inf" : bound[i] * 1000)
      }
      printf "%s_count %d claims\n", p, total
    }'
fi
