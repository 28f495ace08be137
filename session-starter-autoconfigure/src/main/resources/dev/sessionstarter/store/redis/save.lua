-- Merges one change into a session's hash, atomically; the Lua twin of SessionRecord.apply.
-- KEYS[1]  the session's hash
-- KEYS[2]  the session's request lock key
-- KEYS[3]  the key that marks that someone waits for the lock
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
-- ARGV[13] the session id, the message of a release and of a release request
-- ARGV[14] the version of the caller's copy of the session, or '': when the stored session is still at
--          that version, the caller applies the change to its copy itself and is answered no fields
-- ARGV[15] how long a released lock is retained by its holder, ms, or '' to delete it: when set, the
--          lock the save would release keeps its token and expires after that time instead ('0': with
--          the expiry it has)
-- ARGV[16] the prefix of the channels retaining instances take release requests on
-- ARGV[17] n, the number of attributes set; then n pairs of field name ('attr:<name>') and value; then
--          the field names removed
-- An unfenced save of a session whose lock is held by a token of a retaining instance
-- ('r<instance>:<n>') is refused, that instance asked to release the lock, and the caller marked as
-- waiting for the release (as lock.lua marks it).
-- A fenced save (ARGV[10] set) is refused unless the lock is still the token's, or the request's
-- earlier save released it, no one has taken it since and the session is still at the version that
-- save left; once applied, it releases the lock (publishing the id if someone waits) if it is the
-- token's and ARGV[12] is set.
-- Answers {} if the change was dropped, {-1} if it was refused (the lock's lease was lost, or
-- another owner took it: another instance may have saved since); {-2, the lock's remaining time in
-- ms} if an unfenced save was refused because another instance retains the lock; {previous principal name or nil,
-- new version} if the session was created, or was at the version of the caller's copy (ARGV[14]);
-- else {previous principal name or nil, field, value, ...}.
-- Loaded after end-lock.lua, which defines endLock.
local key = KEYS[1]
local stored = redis.call('HMGET', key, 'version', 'accessed', 'timeout', 'principal')
local version = stored[1]
local holder = false
if ARGV[10] ~= '' then
	holder = redis.call('GET', KEYS[2])
	if holder ~= ARGV[10] and (holder or ARGV[11] == '' or version ~= ARGV[11]) then
		return {-1}
	end
else
	local other = redis.call('GET', KEYS[2])
	local owner = other and string.match(other, '^r(%x+):')
	if owner then
		redis.call('PUBLISH', ARGV[16] .. owner, ARGV[13])
		local remaining = redis.call('PTTL', KEYS[2])
		redis.call('SET', KEYS[3], '1', 'PX', (remaining > 0) and (remaining + 1000) or 1000)
		return {-2, remaining}
	end
end
local exists = version ~= false
if not exists and ARGV[3] ~= '1' then
	return {}
end
local set = {}
local accessed = tonumber(stored[2])
local timeout = tonumber(stored[3])
local previous = stored[4]
if not exists then
	set = {'created', ARGV[4]}
	version = ARGV[5]
	previous = false
end
if ARGV[6] ~= '' then
	local access = tonumber(ARGV[6])
	if not accessed or access > accessed then
		accessed = access
		set[#set + 1] = 'accessed'
		set[#set + 1] = ARGV[6]
	end
end
if ARGV[7] ~= '' then
	timeout = tonumber(ARGV[7])
	set[#set + 1] = 'timeout'
	set[#set + 1] = ARGV[7]
end
local removed = {}
if ARGV[8] == '1' then
	if ARGV[9] == '' then
		removed[1] = 'principal'
	else
		set[#set + 1] = 'principal'
		set[#set + 1] = ARGV[9]
	end
end
local newVersion = tonumber(version) + 1
set[#set + 1] = 'version'
set[#set + 1] = string.format('%.0f', newVersion)
local i = 18
for _ = 1, tonumber(ARGV[17]) do
	set[#set + 1] = ARGV[i]
	set[#set + 1] = ARGV[i + 1]
	i = i + 2
end
while i <= #ARGV do
	removed[#removed + 1] = ARGV[i]
	i = i + 1
end
-- in slices, since unpack is bounded by Lua's stack
for from = 1, #set, 1000 do
	redis.call('HSET', key, unpack(set, from, math.min(from + 999, #set)))
end
for from = 1, #removed, 1000 do
	redis.call('HDEL', key, unpack(removed, from, math.min(from + 999, #removed)))
end
if timeout < 0 then
	redis.call('PERSIST', key)
else
	local ttl = math.max(1, accessed + timeout - tonumber(ARGV[1]) + tonumber(ARGV[2]))
	redis.call('PEXPIRE', key, string.format('%.0f', ttl))
end
if holder == ARGV[10] and ARGV[12] ~= '' then
	endLock(KEYS[2], KEYS[3], ARGV[12], ARGV[13], ARGV[15])
end
if not exists or (ARGV[14] ~= '' and version == ARGV[14]) then
	return {previous, newVersion}
end
local answer = {previous}
local fields = redis.call('HGETALL', key)
for j = 1, #fields do
	answer[j + 1] = fields[j]
end
return answer
