-- Ids no other order of any run or thread has. wrk runs a script once per thread, each with
-- the same unseeded random numbers, so an id is made of the run (BENCH_RUN, set per run by
-- bench/load.sh), the thread (numbered by `setup`) and a count.
local ids = {}
local threads = 0

function ids.setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

-- This thread's prefix (`thread_no` is set in its state by `setup`).
function ids.prefix()
  return string.format("%s%d", os.getenv("BENCH_RUN") or "0", thread_no or 0)
end

return ids
