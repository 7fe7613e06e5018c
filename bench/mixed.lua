-- wrk script: each connection walks the list of paths in WRK_PATHS (one per line, repeated by
-- weight), from its own starting point; done() prints the percentiles wrk's --latency omits.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local position = 0
function init(args)
  position = (id or 0) * 7919
end

function request()
  position = position + 1
  return wrk.format("GET", paths[(position % #paths) + 1])
end

function done(summary, latency, requests)
  io.write(string.format("MIXED requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f "
    .. "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
