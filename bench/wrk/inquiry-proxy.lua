-- 20 pollers per table over BENCH_TABLES tables: the connections cycle through the tables, each
-- poll with the table's printed link token (BENCH_TOKENS: a Lua file setting `tokens`).
dofile(os.getenv("BENCH_TOKENS"))
local tables = tonumber(os.getenv("BENCH_TABLES") or "50")
local n = 0
request = function()
  n = n + 1
  local table = string.format("0001-%04d", n % tables + 1)
  return wrk.format("GET", "/api/v1/stores/demo/tables/" .. table .. "/orders",
    {["X-Table-Token"] = tokens[table]})
end
