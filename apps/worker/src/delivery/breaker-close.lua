-- The destination answered: its breaker closes and the counts start over. KEYS: as for breaker-trip.lua.
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
