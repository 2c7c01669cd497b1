-- Prepaid orders from an enrolled tablet (they never conflict with a table's open bill),
-- each with its own id and its own approval number, approved this minute.
local tables = tonumber(os.getenv("BENCH_TABLES") or "50")
local n = 0
package.path = "bench/wrk/?.lua;" .. package.path
local ids = require("ids")
setup = ids.setup
local prefix
local tablet = "Device " .. os.getenv("BENCH_TABLET")
local approved_at = os.getenv("BENCH_APPROVED_AT")
request = function()
  prefix = prefix or ids.prefix()
  n = n + 1
  local body = string.format('{"clientOrderId":"bench-%s-%d","kind":"new","lines":[{"itemId":"I0201","count":1}],'
    .. '"payment":{"method":"card","approvals":[{"amount":16000,"approvalNo":"%s%d","approvedAt":"%s"}]}}',
    prefix, n, prefix, n, approved_at)
  return wrk.format("POST", string.format("/api/v1/stores/demo/tables/0001-%04d/orders", n % tables + 1),
    {["Content-Type"] = "application/json", ["Authorization"] = tablet}, body)
end
