-- wrk script: each request carries SERIES series × POINTS points of JSON samples with timestamps that move forward
-- request by request, so every sample is new to its detector. Each wrk thread has its own series (label thread=N):
-- threads never race on one series. Timestamps start 30 days back, so the points are history: scored, never alerted.
local threads = {}
local counter = 0
local series = tonumber(os.getenv("BENCH_SERIES") or "100")
local points = tonumber(os.getenv("BENCH_POINTS") or "10")
local start = os.time() - 30 * 86400

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
  counter = counter + 1
  local base = start + counter * points
  local parts = {}
  for s = 1, series do
    for k = 0, points - 1 do
      parts[#parts + 1] = string.format('{"series":"bench_metric","labels":{"shard":"s%d","thread":"%d"},"timestamp":%d,"value":%.3f}',
        s, tid, base + k, 50 + math.random() * 5)
    end
  end
  return wrk.format(nil, "/api/v1/metrics", nil, '{"samples":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
