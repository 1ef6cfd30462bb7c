-- wrk script: POST /api/v1/logs with the whole HDFS 2k sample (2,000 lines, text/plain) per request.
-- Env: BENCH_TOKEN (bearer token), BENCH_FILE (log file), BENCH_SOURCE (source name, default hdfs).
local file = assert(io.open(os.getenv("BENCH_FILE"), "rb"))
local body = file:read("*a")
file:close()
local headers = { ["Content-Type"] = "text/plain" }
local token = os.getenv("BENCH_TOKEN")
if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
local path = "/api/v1/logs?source=" .. (os.getenv("BENCH_SOURCE") or "hdfs")

function request()
  return wrk.format("POST", path, headers, body)
end

function response(status, _, body)
  if status ~= 200 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
end
