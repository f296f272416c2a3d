-- Renews the lock KEYS[1] for `ttlMs` only while it holds our `token`.
if redis.call('GET', KEYS[1]) == args.token then return redis.call('PEXPIRE', KEYS[1], num('ttlMs')) end
return 0
