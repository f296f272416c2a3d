-- A request got no answer (timeout, network error). KEYS: breaker, probe,
-- unanswered count, trips. The breaker opens after `threshold` unanswered
-- requests in a row (any worker's), and again at once when its probe gets no
-- answer, each time for twice as long: `firstOpenMs` the first time, at most
-- `longestOpenMs`; the counts are kept `keepMs`. Returns the time it stays
-- open (0: closed).
local breakerKey, probeKey, failsKey, tripsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local threshold, firstMs, longestMs, keepMs = num('threshold'), num('firstOpenMs'), num('longestOpenMs'), num('keepMs')
redis.call('DEL', probeKey)
local fails = redis.call('INCR', failsKey)
redis.call('PEXPIRE', failsKey, keepMs)
local openUntil = tonumber(redis.call('GET', breakerKey) or '0')
if openUntil > now then return openUntil - now end
if openUntil == 0 and fails < threshold then return 0 end
local trips = redis.call('INCR', tripsKey)
redis.call('PEXPIRE', tripsKey, keepMs)
local openMs = math.min(longestMs, firstMs * 2 ^ (trips - 1))
redis.call('SET', breakerKey, now + openMs, 'PX', openMs + keepMs)
return openMs
