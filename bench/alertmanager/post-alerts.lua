-- wrk script: POST /api/v2/alerts in batches of 100 alerts drawn from 10,000 distinct label sets
-- (the same load for Vigil and Alertmanager). Env: BENCH_TOKEN (bearer token, optional), BENCH_LABEL_SETS.
local sets = tonumber(os.getenv("BENCH_LABEL_SETS") or "10000")
local batch = 100
local batches = math.floor(sets / batch)
local bodies = {}
for b = 0, batches - 1 do
  local parts = {}
  for i = 0, batch - 1 do
    local id = b * batch + i
    parts[#parts + 1] = string.format(
      '{"labels":{"alertname":"BenchAlert%d","instance":"host-%d:9100","job":"node","severity":"warning","service":"svc-%d"},' ..
      '"annotations":{"summary":"Bench alert %d is firing","description":"synthetic load"},' ..
      '"generatorURL":"http://prometheus:9090/graph?g0.expr=up%%3D%%3D0"}', id % 50, id, id % 20, id)
  end
  bodies[b + 1] = "[" .. table.concat(parts, ",") .. "]"
end

local headers = { ["Content-Type"] = "application/json" }
local token = os.getenv("BENCH_TOKEN")
if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end

local counter = 0
function setup(thread)
  thread:set("offset", math.random(0, batches - 1))
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/v2/alerts", headers, bodies[((counter + (offset or 0)) % batches) + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
