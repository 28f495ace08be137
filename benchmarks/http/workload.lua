-- wrk script: every request carries a session cookie, taken in turn from a file of cookie values
-- (one per line); every Nth request of a thread writes the session (GET /increment), the others
-- only read it (GET /count). Each wrk thread starts at a different place in the file.
-- Usage: wrk ... -s workload.lua http://127.0.0.1:PORT/ -- cookies.txt N   (N = 1: every request writes)

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
	every = tonumber(args[2] or "1")
	index = (offset or 0) % #cookies
	sent = 0
end

function request()
	index = index % #cookies + 1
	sent = sent + 1
	local path = (sent % every == 0) and "/increment" or "/count"
	return wrk.format("GET", path, { ["Cookie"] = "SESSION=" .. cookies[index] })
end
