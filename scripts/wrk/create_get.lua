-- wrk script for scripts/bench-http.sh: one credential, alternating conversation create and
-- get (mode "mixed"), or only gets (mode "get"). Args: <Authorization header> <mode>.
local auth, mode
local n = 0
local body = '{"subject":"Load","channel":"email","message":{"type":"note","htmlBody":"<p>hi</p>"}}'

function init(args)
  auth = args[1]
  mode = args[2] or "mixed"
end

function request()
  n = n + 1
  local headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
  if mode == "mixed" and n % 2 == 0 then
    return wrk.format("POST", "/api/v3/anytime/conversations", headers, body)
  end
  return wrk.format("GET", "/api/v3/anytime/conversations/1", headers)
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests/s %.0f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect
      + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
