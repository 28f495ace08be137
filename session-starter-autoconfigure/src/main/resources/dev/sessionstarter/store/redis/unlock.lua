-- Releases a request lock if its owner still holds it, and tells the waiters of every instance, if
-- any waits.
-- KEYS[1]  the lock key
-- KEYS[2]  the key that marks that someone waits for the lock
-- ARGV[1]  the owner token
-- ARGV[2]  the channel released locks are published on
-- ARGV[3]  the session id, the message
-- Answers {1} if released, {0} if the lock was another owner's or gone (the lease was lost).
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('DEL', KEYS[1])
	if redis.call('DEL', KEYS[2]) == 1 then
		redis.call('PUBLISH', ARGV[2], ARGV[3])
	end
	return {1}
end
return {0}
