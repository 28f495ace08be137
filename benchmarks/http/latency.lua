-- wrk script for the latency runs (fill.sh, purge.sh). Arguments after "--":
--   1. "new", or a file of session cookie values (one per line). "new" sends no cookie, so the
--      server creates and saves a new session for every request (a new visitor each time); a
--      file sends its cookies in turn, each wrk thread starting at a different place in it.
-- A run that must last as long as something else does is given a long duration and ended with
-- SIGINT: wrk then stops and reports what it measured until then.
-- done() prints one line the scripts read, latencies in microseconds:
--   latency-us <requests> <duration> <p50> <p99> <p99.9> <max> <socket errors> <status errors>
-- Usage: wrk --latency --timeout 60s ... -s latency.lua http://127.0.0.1:PORT/increment -- new

local threads = 0

function setup(thread)
	thread:set("offset", threads * 7919)
	threads = threads + 1
end

function init(args)
	cookies = {}
	if args[1] ~= nil and args[1] ~= "new" then
		for line in io.lines(args[1]) do
			if #line > 0 then
				cookies[#cookies + 1] = wrk.format("GET", nil, { ["Cookie"] = "SESSION=" .. line })
			end
		end
	end
	fresh = wrk.format("GET", nil)
	index = (offset or 0) % math.max(#cookies, 1)
end

function request()
	if #cookies == 0 then
		return fresh
	end
	index = index % #cookies + 1
	return cookies[index]
end

function done(summary, latency, requests)
	local errors = summary.errors
	io.write(string.format("latency-us %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
		errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
