-- Takes a session's request lock if it is free, and answers the session with it.
-- KEYS[1]  the lock key
-- KEYS[2]  the session's hash
-- ARGV[1]  the owner token
-- ARGV[2]  the lease, ms
-- ARGV[3]  the version of the caller's copy of the session, or ''
-- Answers {2} when taken and the session is still at the version of the caller's copy;
-- {1, field, value, ...} (the session's hash, no fields if there is none) when taken otherwise;
-- else {0, the lock's remaining lease in ms}.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
	if ARGV[3] ~= '' and redis.call('HGET', KEYS[2], 'version') == ARGV[3] then
		return {2}
	end
	local answer = {1}
	local fields = redis.call('HGETALL', KEYS[2])
	for j = 1, #fields do
		answer[j + 1] = fields[j]
	end
	return answer
end
return {0, redis.call('PTTL', KEYS[1])}
