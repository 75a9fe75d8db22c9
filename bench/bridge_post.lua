-- wrk script for bench/bridge_bench.sh: POSTs a JSON body and prints one parseable line.
--
--   wrk ... -s bench/bridge_post.lua URL -- BODY [SESSIONS [TOKEN]]
--
-- BODY is sent as application/json; every "%SESSION%" in it becomes a session id, cycling
-- over SESSIONS ids ("bench-0" ..), each thread starting at its own offset so that the
-- connections spread over all of them (SESSIONS 0 or absent: BODY as it is).  TOKEN, when
-- given, is sent as "Authorization: Bearer TOKEN".  The requests are formatted once, in
-- init, so the script costs wrk no more per request than a static one.
-- At the end: "OC_RESULT requests=N seconds=S rps=R p50_us=A p99_us=B non2xx=E socket_errors=F".

local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 1

function init(args)
  local body = args[1] or "{}"
  local sessions = tonumber(args[2] or "0") or 0
  local headers = { ["Content-Type"] = "application/json" }
  if args[3] and args[3] ~= "" then
    headers["Authorization"] = "Bearer " .. args[3]
  end
  if sessions <= 0 then
    requests[1] = wrk.format("POST", nil, headers, body)
    return
  end
  for i = 0, sessions - 1 do
    local id = "bench-" .. i
    -- gsub's replacement is a function so that '%' in an id is never read as a capture.
    local text = body:gsub("%%SESSION%%", function() return id end)
    requests[#requests + 1] = wrk.format("POST", nil, headers, text)
  end
  -- Threads start at different sessions (thread_index is set by setup, before init).
  next_request = ((thread_index or 0) * 7919) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

function done(summary, latency, _)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "OC_RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50),
    latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
