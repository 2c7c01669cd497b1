#!/usr/bin/env bash
# Every benchmark, one `name value unit` line per figure, so two runs can be compared.
#   bash bench/run.sh [weight|crates|steps|lighthouse|load|coalescing|cluster|chaos ...]   (default: all)
# `./run bench` calls this after `./run setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

need() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

built=0
build() {
  [ "$built" = 1 ] && return
  trunk build --release >/dev/null 2>&1
  cargo build --locked --profile server -p tableorder-proxy >/dev/null 2>&1
  built=1
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m)"
for what in "${@:-weight crates steps lighthouse load coalescing cluster chaos}"; do
  for b in $what; do
    case "$b" in
      weight) build; node bench/weight.mjs ;;
      crates)
        command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked >/dev/null 2>&1
        build; node bench/crates.mjs ;;
      steps) cargo bench --locked -p order-core --bench flow_steps 2>/dev/null | grep -E '^[a-z_]+ ' ;;
      lighthouse) build; bash bench/lighthouse.sh; STORE=big bash bench/lighthouse.sh ;;
      load) need wrk nginx-light; build; bash bench/load.sh; LOAD_STORE=big bash bench/load.sh ;;
      coalescing)
        build
        sim_fixture=$(mktemp /tmp/tableorder-fixture.XXXXXX)
        node bench/fixture-tables.mjs 30 >"$sim_fixture"
        TABLEORDER_LOG=warn ./target/server/tableorder sim --listen 127.0.0.1:9094 --fixture "$sim_fixture" >/dev/null 2>&1 &
        sim=$!
        # Taught the simulator's store-wide list length, as check-upstream teaches a real host's.
        TABLEORDER_LOG=warn TABLEORDER_ADMIN_TOKEN=bench-admin-token-000000000000 \
        TABLEORDER_LIMITS__REQUESTS_PER_MINUTE_PER_CLIENT=100000000 \
        TABLEORDER_UPSTREAM__STORE_INQUIRY_PER_TABLE=5 \
        TABLEORDER_STORES__DEMO__STORE_ID=S0000001 TABLEORDER_STORES__DEMO__SERVICE_ID=SV-DEMO-0001 \
          ./target/server/tableorder serve --listen 127.0.0.1:8193 --upstream http://127.0.0.1:9094 \
          --dist dist --data "$(mktemp -d)" >/dev/null 2>&1 &
        server=$!
        for _ in $(seq 50); do curl -sf http://127.0.0.1:8193/healthz >/dev/null && break; sleep 0.1; done
        ADMIN_TOKEN=bench-admin-token-000000000000 SIM_URL=http://127.0.0.1:9094 \
          node bench/coalescing.mjs http://127.0.0.1:8193 one_server
        kill "$server" "$sim"
        rm -f "$sim_fixture"
        ;;
      cluster) bash ./run cluster-bench | grep -E '^[a-z_]+ ' ;;
      chaos) cargo bench --locked -p tableorder-proxy --bench chaos 2>/dev/null | grep -E '^[a-z_]+ ' ;;
      *) echo "unknown benchmark: $b" >&2; exit 2 ;;
    esac
  done
done
