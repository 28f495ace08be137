-- Removes a session's hash if it has expired, atomically, so that only one caller (of every
-- instance) ever gets it. The expiry rule is SessionRecord.isExpired's.
-- KEYS[1]  the session's hash
-- ARGV[1]  now, epoch ms
-- Answers {} if there is no such session; {1, field, value, ...} if it had expired and was
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
local answer = {1}
local fields = redis.call('HGETALL', key)
for j = 1, #fields do
	answer[j + 1] = fields[j]
end
redis.call('DEL', key)
return answer
