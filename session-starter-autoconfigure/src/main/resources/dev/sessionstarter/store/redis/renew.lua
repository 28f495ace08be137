-- Renews a request lock's lease if its owner still holds it.
-- KEYS[1]  the lock key
-- ARGV[1]  the owner token
-- ARGV[2]  the lease, ms
-- Answers {1} if renewed, {0} if the lock is another owner's or gone (the lease was lost).
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
	return {1}
end
return {0}
