-- Renews a request lock's lease if its owner still holds it.
-- KEYS[1]  the lock key
-- ARGV[1]  the owner token
-- ARGV[2]  the lease, ms
-- Answers {1} if renewed, {0} if the lock is another owner's or gone (the lease was lost).
if redis.call('GET', KEYS[1]) == ARGV[1] then
	-- never shorter than it is: a lock retained (or taken from a retention) is trusted until its retention ends
	if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
		redis.call('PEXPIRE', KEYS[1], ARGV[2])
	end
	return {1}
end
return {0}
