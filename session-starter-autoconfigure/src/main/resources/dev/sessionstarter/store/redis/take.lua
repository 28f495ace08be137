-- Removes a session's hash and answers what it held, atomically.
-- KEYS[1]  the session's hash
-- Answers {} if there was none, else {field, value, ...}.
local fields = redis.call('HGETALL', KEYS[1])
if #fields > 0 then
	redis.call('DEL', KEYS[1])
end
return fields
