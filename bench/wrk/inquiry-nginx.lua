-- The same inquiries straight at the simulator through nginx.
local tables = tonumber(os.getenv("BENCH_TABLES") or "50")
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"STORE_ID":"S0000001","SERVICE_ID":"SV-DEMO-0001","FLR_CODE":"0001","TBL_CODE":"%04d"}', n % tables + 1)
  return wrk.format("POST", "/partner/v1/table/order", {["Content-Type"] = "application/json"}, body)
end
