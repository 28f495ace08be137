-- Takes a session's request lock if it is free, and answers the session with it.
-- KEYS[1]  the lock key
-- KEYS[2]  the session's hash
-- KEYS[3]  the key that marks that someone waits for the lock
-- ARGV[1]  the owner token
-- ARGV[2]  the lease, ms
-- ARGV[3]  the version of the caller's copy of the session, or ''
-- ARGV[4]  the token prefix of the caller's instance if it retains locks, or '': a lock held by a token
--          with that prefix is the caller's own retained lock (its process queues the requests of a
--          session, so none of them holds it), taken over
-- ARGV[5]  the prefix of the channels retaining instances take release requests on
-- ARGV[6]  the session id, the message of a release request
-- A lock held by a token of a retaining instance ('r<instance>:<n>') is asked for: its instance is
-- sent the session id on its channel, and releases the lock when no request of its holds it.
-- Answers {2} when taken and the session is still at the version of the caller's copy;
-- {1, field, value, ...} (the session's hash, no fields if there is none) when taken otherwise;
-- else {0, the lock's remaining lease in ms}, marking that the caller waits (until a second after the
-- end of that lease, by when the caller looks again by itself) so that the release is published.
local holder = redis.call('GET', KEYS[1])
if not holder or (ARGV[4] ~= '' and string.sub(holder, 1, #ARGV[4]) == ARGV[4]) then
	redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
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
local owner = string.match(holder, '^r(%x+):')
if owner then
	redis.call('PUBLISH', ARGV[5] .. owner, ARGV[6])
end
local remaining = redis.call('PTTL', KEYS[1])
redis.call('SET', KEYS[3], '1', 'PX', (remaining > 0) and (remaining + 1000) or ARGV[2])
return {0, remaining}
