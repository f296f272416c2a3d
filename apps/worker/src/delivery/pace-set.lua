-- Sets the destination's pace (KEYS[1]) to `perSecond` for `forMs` (what its rate-limit headers said).
redis.call('SET', KEYS[1], args.perSecond .. ':' .. now, 'PX', num('forMs'))
return 1
