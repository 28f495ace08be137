-- Ends the request lock of a save whose request holds it: shared by save.lua and save-current.lua,
-- which SessionScripts loads with this in front of each (Redis scripts cannot include one another,
-- and a second script would be a second call), so each save is still one script.
-- lock     the lock key
-- waiters  the key that marks that someone waits for the lock
-- channel  the channel released locks are published on
-- id       the session id, the message
-- retain   how long the lock is retained by its holder, ms; '0' to retain it with the expiry it
--          has (the holder still trusts it long enough, so a save need not move it); '' to release it
local function endLock(lock, waiters, channel, id, retain)
	if retain == '0' then
		return
	end
	if retain ~= '' then
		redis.call('PEXPIRE', lock, retain)
	else
		redis.call('DEL', lock)
		if redis.call('DEL', waiters) == 1 then
			redis.call('PUBLISH', channel, id)
		end
	end
end
