-- wrk script: requests without a cookie, so every request creates a new session, until the wrk
-- threads have had args[1] responses in all (args[2]: the number of wrk threads).
-- Usage: wrk -tT ... -s fill.lua http://127.0.0.1:PORT/increment -- TOTAL T

function init(args)
	limit = math.ceil(tonumber(args[1]) / tonumber(args[2]))
	responses = 0
end

function response(status, headers, body)
	responses = responses + 1
	if responses >= limit then
		wrk.thread:stop()
	end
end
