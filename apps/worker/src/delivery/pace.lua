-- The start of every pacing and breaker script that reads the clock.

-- Redis's own clock in milliseconds, the same for every worker.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- The destination's pace per second after a refusal (0: none). It is stored as
-- `limit:since` and grows by one every `growthMs`, so a destination whose limit
-- was a passing one is found again without waiting for the key to expire.
local function learnedPace(key, growthMs)
  local stored = redis.call('GET', key)
  if not stored then return 0 end
  local limit, since = string.match(stored, '^(%d+):(%d+)$')
  if not limit then return tonumber(stored) or 0 end
  return tonumber(limit) + math.floor((now - tonumber(since)) / growthMs)
end

-- Pauses `key` until now + `ms` unless it is paused longer already; returns the pause left.
local function extendPause(key, ms)
  local untilMs = now + ms
  local current = tonumber(redis.call('GET', key) or '0')
  if untilMs > current then
    redis.call('SET', key, untilMs, 'PX', ms)
    return untilMs - now
  end
  return current - now
end
