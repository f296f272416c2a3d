-- Pauses a destination for `pauseMs` unless it is already paused for longer,
-- and learns from the refusal: for `learnedForMs` the destination takes at
-- most 90 % of what it accepted in the last second (what it was sent, less the
-- `inFlight` requests out when it refused), growing by one per `growthMs`.
-- KEYS: pause, learned pace, sends of the last second. Returns the pause left.
local pauseKey, learnedKey, sentKey = KEYS[1], KEYS[2], KEYS[3]
local sent = redis.call('ZCOUNT', sentKey, now - 1000, '+inf')
local limit = math.max(1, math.floor((sent - num('inFlight')) * 0.9))
local learned = learnedPace(learnedKey, num('growthMs'))
if learned == 0 or limit < learned then learned = limit end
redis.call('SET', learnedKey, learned .. ':' .. now, 'PX', num('learnedForMs'))
return extendPause(pauseKey, num('pauseMs'))
