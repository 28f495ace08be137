-- Removes a session's hash if it has expired, atomically, so that only one caller (of every
-- instance) ever gets it. The expiry rule is SessionRecord.isExpired's.
-- KEYS[1]  the session's hash
-- KEYS[2]  the session's request lock key
-- ARGV[1]  now, epoch ms
-- ARGV[2]  the token of the request lock the caller holds, or ''
-- ARGV[3]  the prefix of the channels retaining instances take release requests on
-- ARGV[4]  the session id, the message of a release request
-- Answers {-2, the lock's remaining time in ms} if the lock is held by a token of a retaining
-- instance ('r<instance>:<n>') other than ARGV[2] (that instance is asked to release it); {} if
-- there is no such session; {1, field, value, ...} if it had expired and was
-- removed; {0, expiry in epoch ms, or -1 for never} if it has not expired.
local key = KEYS[1]
local times = redis.call('HMGET', key, 'accessed', 'timeout')
if not times[1] or not times[2] then
	return {}
end
local accessed = tonumber(times[1])
local timeout = tonumber(times[2])
if timeout < 0 then
	return {0, -1}
end
if tonumber(ARGV[1]) - timeout < accessed then
	return {0, string.format('%.0f', accessed + timeout)}
end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then
	local owner = string.match(holder, '^r(%x+):')
	if owner then
		redis.call('PUBLISH', ARGV[3] .. owner, ARGV[4])
		return {-2, redis.call('PTTL', KEYS[2])}
	end
end
local answer = {1}
local fields = redis.call('HGETALL', key)
for j = 1, #fields do
	answer[j + 1] = fields[j]
end
redis.call('DEL', key)
return answer
