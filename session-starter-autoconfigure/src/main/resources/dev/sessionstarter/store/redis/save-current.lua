-- Writes a change into a session's hash that is still at the version of the caller's copy: the caller
-- has applied the change to its copy and sends the fields that changed, the new version and the key's
-- time to live, so nothing here reads more than the version or converts a number. Any other case is
-- left to save.lua, which merges the change into whatever the hash holds.
-- KEYS[1]  the session's hash
-- KEYS[2]  the session's request lock key
-- KEYS[3]  the key that marks that someone waits for the lock
-- ARGV[1]  the version of the caller's copy
-- ARGV[2]  the owner token of the request lock the saving request holds, or '' for an unfenced save
-- ARGV[3]  the version this request's earlier save left, which released the lock, or ''
-- ARGV[4]  the channel released locks are published on, or '' to keep the lock (the request releases it)
-- ARGV[5]  the session id, the message of a release
-- ARGV[6]  how long a released lock is retained by its holder, ms, '0' to retain it with the expiry it
--          has, or '' to delete it
-- ARGV[7]  the key's time to live, ms, '0' to leave it as it is (the caller knows it was set far
--          enough), or '' if the session never expires
-- ARGV[8]  n, the number of fields removed; then the n names; then pairs of field and value to set
--          (always 'version' and the new version)
-- Fenced as save.lua: a fenced save (ARGV[2] set) is refused unless the lock is still the token's, or
-- the request's earlier save released it, no one has taken it since and the session is still at the
-- version that save left; once applied, it releases (or retains) the lock if it is the token's and
-- ARGV[4] is set.
-- Answers {1} if applied, {-1} if refused (as save.lua), {} if the session is gone (the change is
-- dropped: the caller sends no creating change here), {0} if save.lua is to decide: the session is at
-- another version than the copy, or an unfenced save finds the lock held.
-- Loaded after end-lock.lua, which defines endLock.
local version = redis.call('HGET', KEYS[1], 'version')
local holder = redis.call('GET', KEYS[2])
local token = ARGV[2]
if token ~= '' then
	if holder ~= token and (holder or ARGV[3] == '' or version ~= ARGV[3]) then
		return {-1}
	end
elseif holder then
	return {0}
end
if not version then
	return {}
end
if version ~= ARGV[1] then
	return {0}
end
local from = 9
if ARGV[8] ~= '0' then
	from = 9 + tonumber(ARGV[8])
	redis.call('HDEL', KEYS[1], unpack(ARGV, 9, from - 1))
end
redis.call('HSET', KEYS[1], unpack(ARGV, from))
if ARGV[7] == '' then
	redis.call('PERSIST', KEYS[1])
elseif ARGV[7] ~= '0' then
	redis.call('PEXPIRE', KEYS[1], ARGV[7])
end
if holder == token and ARGV[4] ~= '' then
	endLock(KEYS[2], KEYS[3], ARGV[4], ARGV[5], ARGV[6])
end
return {1}
