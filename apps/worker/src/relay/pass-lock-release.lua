-- Deletes the lock KEYS[1] only while it holds our `token`.
if redis.call('GET', KEYS[1]) == args.token then return redis.call('DEL', KEYS[1]) end
return 0
