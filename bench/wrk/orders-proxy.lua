-- Prepaid orders (they never conflict with a table's open bill), each with its own id.
local n = 0
local prefix = tostring(math.random(100000000))
request = function()
  n = n + 1
  local body = string.format('{"clientOrderId":"bench-%s-%d","kind":"new","lines":[{"itemId":"I0201","count":1}],'
    .. '"payment":{"method":"card","approvals":[{"amount":16000,"approvalNo":"30000001","approvedAt":"20261128191500"}]}}', prefix, n)
  return wrk.format("POST", string.format("/api/v1/stores/demo/tables/0001-%04d/orders", n % 50 + 1),
    {["Content-Type"] = "application/json"}, body)
end
