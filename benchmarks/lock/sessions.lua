-- wrk script: every request carries a session cookie, taken in turn from a file of cookie
-- values (one per line). Each wrk thread starts at a different place in the file.
-- Usage: wrk ... -s sessions.lua http://127.0.0.1:PORT/increment -- cookies.txt

local threads = 0

function setup(thread)
	thread:set("offset", threads * 7919)
	threads = threads + 1
end

function init(args)
	cookies = {}
	for line in io.lines(args[1]) do
		if #line > 0 then
			cookies[#cookies + 1] = line
		end
	end
	index = (offset or 0) % #cookies
end

function request()
	index = index % #cookies + 1
	return wrk.format("GET", nil, { ["Cookie"] = "SESSION=" .. cookies[index] })
end
