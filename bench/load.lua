-- wrk script: cycle through prepared requests, one per line of the file given after "--":
--   METHOD <tab> PATH <tab> COOKIE <tab> BODY
-- so that ten signed-in clients (ten sessions) and one-time quiz tokens can be replayed.
-- BENCH_NEW_CONNECTIONS=1 asks for a new connection per request ("Connection: close"), as
-- gunicorn sees the requests behind the self-hosting guide's nginx.
-- Threads start at different offsets and never share a line's turn. Prints one RESULT line.
local lines = {}
local position = 0
local stride = 1
local thread_count = 0

setup = function(thread)
  thread:set("offset", thread_count)
  thread_count = thread_count + 1
end

init = function(args)
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if os.getenv("BENCH_NEW_CONNECTIONS") == "1" then headers["Connection"] = "close" end
    if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    table.insert(lines, wrk.format(method, path, headers, body ~= "" and body or nil))
  end
  stride = tonumber(args[2] or "1")
  position = offset
end

request = function()
  local req = lines[(position % #lines) + 1]
  position = position + stride
  return req
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %d %.3f %.3f %.3f %d %d %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors, summary.errors.status, summary.errors.timeout))
end
