-- Takes up to `wanted` slots in every window of a destination, one after the
-- other, and returns how many it took, when it took fewer how long until the
-- next one frees, and whether the slot is a breaker's probe.
-- KEYS: pause, learned pace, sends of the last second, breaker, probe, then
-- one sorted set of send times per published window.
-- Arguments: wanted, nonce (for the set members), probeTtlMs, growthMs (the
-- learned pace's), and limits and lengths (each window's, in the keys' order).
local pauseKey, learnedKey, sentKey, breakerKey, probeKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local windowKeys = { unpack(KEYS, 6) }
local wanted, nonce, probeTtl, growthMs = num('wanted'), args.nonce, num('probeTtlMs'), num('growthMs')
local limits, lengths = numbers('limits'), numbers('lengths')
local windows = {}
for n, key in ipairs(windowKeys) do
  windows[n] = { key = key, limit = limits[n], length = lengths[n] }
end

local paused = tonumber(redis.call('GET', pauseKey) or '0')
if paused > now then return {0, paused - now, 0} end
local probe = 0
local openUntil = tonumber(redis.call('GET', breakerKey) or '0')
if openUntil > now then return {0, openUntil - now, 0} end
if openUntil > 0 then
  -- Half open: one request at a time tells whether the destination is back.
  if not redis.call('SET', probeKey, '1', 'NX', 'PX', probeTtl) then return {0, 1000, 0} end
  wanted = 1
  probe = 1
end

redis.call('ZREMRANGEBYSCORE', sentKey, '-inf', now - 1000)
for _, w in ipairs(windows) do redis.call('ZREMRANGEBYSCORE', w.key, '-inf', now - w.length) end
local learned = learnedPace(learnedKey, growthMs)
local taken = 0
while taken < wanted do
  local wait = 0
  if learned > 0 then
    local count = redis.call('ZCARD', sentKey)
    if count >= learned then
      local nth = redis.call('ZRANGE', sentKey, count - learned, count - learned, 'WITHSCORES')
      wait = tonumber(nth[2]) + 1000 - now
    end
  end
  for _, w in ipairs(windows) do
    if redis.call('ZCARD', w.key) >= w.limit then
      local oldest = redis.call('ZRANGE', w.key, 0, 0, 'WITHSCORES')
      wait = math.max(wait, tonumber(oldest[2]) + w.length - now)
    end
  end
  if wait > 0 then
    if taken == 0 and probe == 1 then redis.call('DEL', probeKey) end
    return {taken, math.max(1, wait), taken > 0 and probe or 0}
  end
  taken = taken + 1
  local member = now .. ':' .. nonce .. ':' .. taken
  redis.call('ZADD', sentKey, now, member)
  redis.call('PEXPIRE', sentKey, 1000)
  for _, w in ipairs(windows) do
    redis.call('ZADD', w.key, now, member)
    redis.call('PEXPIRE', w.key, w.length)
  end
end
return {taken, 0, probe}
