-- 20 pollers per table over 50 tables: the connections cycle through the tables.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", string.format("/api/v1/stores/demo/tables/0001-%04d/orders", n % 50 + 1))
end
