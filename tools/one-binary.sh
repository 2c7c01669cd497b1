#!/usr/bin/env bash
# The binary alone serves everything: copied into an empty directory, with a config file that
# turns HTTPS on and nothing else beside it (no dist/, no repository), it serves the table's
# page, the widget's code, the owner's page and the partners' loader over TLS, checked with
# `curl --cacert`.
#   tools/one-binary.sh path/to/tableorder   (built with the pages embedded)
set -euo pipefail
bin=$1
dir=$(mktemp -d /tmp/tableorder-one-binary.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
cp "$bin" "$dir/tableorder"
cd "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=tableorder" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -addext "basicConstraints=critical,CA:FALSE" -keyout tls.key -out tls.crt 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >tableorder.toml <<TOML
listen = "127.0.0.1:$port"
data_dir = "$dir/data"

[tls]
cert = "$dir/tls.crt"
key = "$dir/tls.key"
TOML
TABLEORDER_LOG=warn ./tableorder serve --config tableorder.toml >serve.log 2>&1 &
server=$!
for _ in $(seq 100); do grep -q 'open a table:' serve.log && break; sleep 0.1; done
table=$(grep -o 'open a table: .*' serve.log | cut -d' ' -f4)
case "$table" in https://*) ;; *) echo "no table link over https: $(cat serve.log)" >&2; exit 1 ;; esac
get() { curl -fsS --max-time 10 --cacert tls.crt "$@"; }
page=$(get "$table")
grep -q 'data-tableorder' <<<"$page" || { echo "the table's page is not the widget's" >&2; exit 1; }
wasm=$(grep -o '/tableorder-widget-[0-9a-f]*_bg\.wasm' <<<"$page" | head -1)
[ -n "$wasm" ] || { echo "the page names no wasm" >&2; exit 1; }
encoding=$(get -o /dev/null -D - -H 'accept-encoding: br' "https://127.0.0.1:$port$wasm" | tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding" {print $2}')
[ "$encoding" = br ] || { echo "the wasm is not sent as the build compressed it ($encoding)" >&2; exit 1; }
get -o /dev/null "https://127.0.0.1:$port/admin/"
get -o /dev/null "https://127.0.0.1:$port/embed.js"
get "https://127.0.0.1:$port/readyz" | grep -q '"ready":true'
echo "one_binary_https ok (page, wasm as brotli, owner's page, loader, ready)"
