-- The same prepaid orders, already in the upstream's shape, through nginx to the simulator.
local tables = tonumber(os.getenv("BENCH_TABLES") or "50")
local n = 0
package.path = "bench/wrk/?.lua;" .. package.path
local ids = require("ids")
setup = ids.setup
local prefix
request = function()
  prefix = prefix or ids.prefix()
  n = n + 1
  local body = string.format('{"STORE_ID":"S0000001","SERVICE_ID":"SV-DEMO-0001","MCHT_ORDERNO":"nginx-%s-%d",'
    .. '"ORG_ORDER_PAY_AMT":"16000","ORDER_PAY_AMT":"16000","DISC_AMT":"0","PREPAY_FLAG":"Y","FLR_CODE":"0001","TBL_CODE":"%04d",'
    .. '"ITEM_LIST":[{"ITEM_ID":"I0201","ITEM_NAME":"x","SALE_PRICE":"16000","SALE_AMT":"16000","ITEM_CNT":"1","ADDITIVE_ITEM_LIST":[]}],'
    .. '"ORD_PAY_LIST":[{"PAY_TYPE":"card","CAN_FLAG":"N","SALE_AMT":"16000","AUTH_NO":"30000001"}]}', prefix, n, n % tables + 1)
  return wrk.format("POST", "/partner/v1/table/order/new", {["Content-Type"] = "application/json"}, body)
end
