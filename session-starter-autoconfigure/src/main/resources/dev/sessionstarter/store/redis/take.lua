-- Removes a session's hash and answers what it held, atomically, unless another instance retains
-- the session's request lock.
-- KEYS[1]  the session's hash
-- KEYS[2]  the session's request lock key
-- KEYS[3]  the key that marks that someone waits for the lock
-- ARGV[1]  the token of the request lock the caller holds, or ''
-- ARGV[2]  the prefix of the channels retaining instances take release requests on
-- ARGV[3]  the session id, the message of a release request
-- Answers {-2, the lock's remaining time in ms} if the lock is held by a token of a retaining
-- instance ('r<instance>:<n>') other than ARGV[1] (that instance is asked to release it, and the
-- caller marked as waiting for the release, as lock.lua marks it); {} if
-- there was no session, else {field, value, ...}.
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then
	local owner = string.match(holder, '^r(%x+):')
	if owner then
		redis.call('PUBLISH', ARGV[2] .. owner, ARGV[3])
		local remaining = redis.call('PTTL', KEYS[2])
		redis.call('SET', KEYS[3], '1', 'PX', (remaining > 0) and (remaining + 1000) or 1000)
		return {-2, remaining}
	end
end
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then
	redis.call('DEL', KEYS[1])
end
return fields
