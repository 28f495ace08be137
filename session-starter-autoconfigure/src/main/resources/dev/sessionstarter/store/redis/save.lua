-- Merges one change into a session's hash, atomically; the Lua twin of SessionRecord.apply.
-- KEYS[1]  the session's hash
-- KEYS[2]  the session's request lock key
-- ARGV[1]  now, epoch ms (the caller's clock: the key's time to live is counted from it)
-- ARGV[2]  how long past its expiry the key is kept, ms, so that a purge can claim it
-- ARGV[3]  '1' if the change may create the session, else '0': a change to a missing session is dropped
-- ARGV[4]  creation time, epoch ms (used when creating)
-- ARGV[5]  the version the session is created above (0, or the version of the session it renames)
-- ARGV[6]  new last access time, epoch ms, or '' (kept if the stored one is later)
-- ARGV[7]  new timeout, ms (negative: never expires), or ''
-- ARGV[8]  '1' if the principal name changes, else '0'
-- ARGV[9]  the new principal name, or '' for none
-- ARGV[10] the owner token of the request lock the saving request holds, or '' for an unfenced save
-- ARGV[11] the version this request's earlier save left, which released the lock, or ''
-- ARGV[12] the channel released locks are published on, or '' to keep the lock (the request releases it)
-- ARGV[13] the session id, the message
-- ARGV[14] n, the number of attributes set; then n pairs of name and value; then the names removed
-- A fenced save (ARGV[10] set) is refused unless the lock is still the token's, or the request's
-- earlier save released it, no one has taken it since and the session is still at the version that
-- save left; once applied, it releases the lock (publishing the id) if it is the token's and ARGV[12]
-- is set.
-- Answers {} if the change was dropped, {-1} if it was refused (the lock's lease was lost, or
-- another owner took it: another instance may have saved since), else
-- {previous principal name or nil, field, value, ...}.
local key = KEYS[1]
local fenced = ARGV[10] ~= ''
if fenced then
	local holder = redis.call('GET', KEYS[2])
	if holder ~= ARGV[10] and (holder or ARGV[11] == '' or redis.call('HGET', key, 'version') ~= ARGV[11]) then
		return {-1}
	end
end
local exists = redis.call('EXISTS', key) == 1
if not exists and ARGV[3] ~= '1' then
	return {}
end
local previous = false
if exists then
	previous = redis.call('HGET', key, 'principal')
else
	redis.call('HSET', key, 'created', ARGV[4], 'version', ARGV[5])
end
if ARGV[6] ~= '' then
	local stored = redis.call('HGET', key, 'accessed')
	if not stored or tonumber(ARGV[6]) > tonumber(stored) then
		redis.call('HSET', key, 'accessed', ARGV[6])
	end
end
if ARGV[7] ~= '' then
	redis.call('HSET', key, 'timeout', ARGV[7])
end
if ARGV[8] == '1' then
	if ARGV[9] == '' then
		redis.call('HDEL', key, 'principal')
	else
		redis.call('HSET', key, 'principal', ARGV[9])
	end
end
local i = 15
for _ = 1, tonumber(ARGV[14]) do
	redis.call('HSET', key, 'attr:' .. ARGV[i], ARGV[i + 1])
	i = i + 2
end
while i <= #ARGV do
	redis.call('HDEL', key, 'attr:' .. ARGV[i])
	i = i + 1
end
redis.call('HINCRBY', key, 'version', 1)
local accessed = tonumber(redis.call('HGET', key, 'accessed'))
local timeout = tonumber(redis.call('HGET', key, 'timeout'))
if timeout < 0 then
	redis.call('PERSIST', key)
else
	local ttl = math.max(1, accessed + timeout - tonumber(ARGV[1]) + tonumber(ARGV[2]))
	redis.call('PEXPIRE', key, string.format('%.0f', ttl))
end
if fenced and ARGV[12] ~= '' and redis.call('GET', KEYS[2]) == ARGV[10] then
	redis.call('DEL', KEYS[2])
	redis.call('PUBLISH', ARGV[12], ARGV[13])
end
local answer = {previous}
local fields = redis.call('HGETALL', key)
for j = 1, #fields do
	answer[j + 1] = fields[j]
end
return answer
