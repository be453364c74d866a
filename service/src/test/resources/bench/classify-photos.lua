-- wrk script: POST $CLASSIFY_PATH (default /v1/classify) with each photo of $PHOTOS in turn, an optional mean think time
-- ($DELAY_MS) between a connection's requests, and the answers counted by status.
local photos = {}
local listing = io.popen('ls "' .. os.getenv("PHOTOS") .. '"')
for name in listing:lines() do
  local file = io.open(os.getenv("PHOTOS") .. "/" .. name, "rb")
  photos[#photos + 1] = file:read("*all")
  file:close()
end
listing:close()

local think = tonumber(os.getenv("DELAY_MS") or "0")
local path = os.getenv("CLASSIFY_PATH") or "/v1/classify"
local threads = {}
local next = 0

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  statuses = {}
end

function request()
  next = next + 1
  return wrk.format("POST", path, {["Content-Type"] = "image/jpeg"}, photos[next % #photos + 1])
end

-- Exponentially distributed think times (mean $DELAY_MS): with a fixed one, connections answered
-- together (a burst of fast 429s) would come back together, offering waves instead of a steady rate.
function delay()
  if think == 0 then
    return 0
  end
  return -think * math.log(1 - math.random())
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("seconds %f\n", summary.duration / 1e6))
end
