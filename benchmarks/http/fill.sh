#!/usr/bin/env bash
# Request latency while a `memory` store fills past its bound with new sessions (issue 15). For each
# bound N (sessions), an application (HttpBenchmarkApplication: Spring MVC, Spring Security, Tomcat)
# runs with sessions.store=memory, the lock manager off, sessions.memory.max-size = N times the bytes
# the store counts for one of its sessions (measured first in a calibration instance) and a heap of
# 3 x max-size + 256 MB. It is warmed up with new visitors (WARMUP seconds), filled to 90% of N, then
# wrk sends only new visitors for SECONDS (GET /increment without a cookie: each request creates and
# saves a session) with --latency and a 60 s timeout, so the run crosses the bound and the store
# evicts as it fills. Printed per N: requests/s, latency p50/p99/p99.9/max, sessions held before and
# after the run, sessions evicted during it, the longest GC pause during it (the JVM's gc log) and the
# load average before and after. Each instance is stopped before the next starts.
#
# N = 0 is a control: the same run over a store filled to 90,000 sessions with a bound of 1 GB,
# which it does not reach, so nothing is evicted (the machine's own latency at that moment).
#
# Usage (from the repository root): benchmarks/http/fill.sh [seconds] [N...]
# Defaults 60 10000 100000 1000000: about 10 minutes on a quiet machine, the 1,000,000 run needs a
# 2 GB heap. BUILD=0 skips the Maven build; WRK_THREADS (2), WRK_CONNECTIONS (16), WARMUP (10),
# FILL_LIMIT (600: the most seconds the 90% fill may take), PORT (18121).
set -euo pipefail

SECONDS_PER_RUN=${1:-60}
shift || true
BOUNDS=("$@")
[ ${#BOUNDS[@]} -gt 0 ] || BOUNDS=(10000 100000 1000000)
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
WARMUP=${WARMUP:-10}
FILL_LIMIT=${FILL_LIMIT:-600}
PORT=${PORT:-18121}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
# shellcheck source=common.sh
. "$ROOT/benchmarks/http/common.sh"
APPLICATION=dev.sessionstarter.benchmarks.http.HttpBenchmarkApplication
LATENCY_LUA="$ROOT/benchmarks/http/latency.lua"
trap http_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_tools wrk curl python3 java

build_benchmarks
MANAGEMENT="--management.endpoints.web.exposure.include=sessionstore"

store() { # field...: fields of /actuator/sessionstore (sessions, bytes, evicted), space-separated
	curl -sf --max-time 30 "http://127.0.0.1:$PORT/actuator/sessionstore" | python3 -c '
import json, sys
d = json.load(sys.stdin)
values = {"sessions": d["sessions"], "bytes": d["bytes"], "evicted": d["counters"]["evicted"]}
print(" ".join(str(values[name]) for name in sys.argv[1:]))' "$@"
}

new_visitors() { # seconds output [wrk options...]: wrk with new visitors only, in the background (WRK_PID)
	local seconds=$1 output=$2
	shift 2
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 60s "$@" -s "$LATENCY_LUA" \
		"http://127.0.0.1:$PORT/increment" -- new >"$output" &
	WRK_PID=$!
	PIDS+=("$WRK_PID")
}

jvm_uptime() { # pid: seconds since the process started (the gc log's clock, to within its startup)
	awk -v start="$(awk '{ print $22 }' "/proc/$1/stat")" -v hz="$(getconf CLK_TCK)" \
		'{ printf "%.3f\n", $1 - start / hz }' /proc/uptime
}

longest_pause() { # gc-log from to: the longest GC pause (ms) logged between two uptimes, and their count
	awk -v from="$2" -v to="$3" '/Pause/ {
		t = substr($1, 2) + 0
		if (t >= from && t <= to + 1) { ms = $NF; sub("ms", "", ms); n++; if (ms + 0 > max) max = ms + 0 }
	} END { printf "%.1f %d\n", max, n }' "$1"
}

row() { # the values of one run -> a row of the table
	python3 -c '
import sys
n, size, heap, requests, duration, held_before, held_after, evicted, p50, p99, p999, top = sys.argv[1:13]
pause, pauses, load, errors = sys.argv[13:]
ms = lambda us: "%.1f" % (int(us) / 1000)
print("| %s | %.0f MB | %s | %s | %s → %s | %s | %s | %s | %s | %s | %s ms (%s pauses) | %s | %s |" % (
	format(int(n), ",") if n != "0" else "none (control)", int(size) / 1048576, heap, format(round(int(requests) / (int(duration) / 1e6)), ","),
	format(int(held_before), ","), format(int(held_after), ","), format(int(evicted), ","),
	ms(p50), ms(p99), ms(p999), ms(top), pause, pauses, load, errors))' "$@"
}

stop_app() {
	kill "${PID_OF[$PORT]}" 2>/dev/null || true
	wait "${PID_OF[$PORT]}" 2>/dev/null || true
}

echo "Measuring the bytes of one session..." >&2
start_app "$PORT" "$WORK/app-calibration.log" --sessions.store=memory --sessions.lock.manager=none \
	--sessions.memory.max-size=64MB "$MANAGEMENT"
wait_ready "$PORT" "$WORK/app-calibration.log"
new_visitors 3 "$WORK/wrk-calibration.txt"
wait "$WRK_PID"
read -r sessions bytes <<<"$(store sessions bytes)"
PER_SESSION=$((bytes / sessions))
stop_app
echo "$PER_SESSION bytes per session ($sessions sessions, $bytes bytes)" >&2

RESULTS=()
for n in "${BOUNDS[@]}"; do
	if [ "$n" = 0 ]; then # the control: filled to 90,000 sessions, a bound the run does not reach
		max_size=$((1024 * 1024 * 1024))
		heap=1536m
		target=90000
	else
		max_size=$((n * PER_SESSION))
		heap=$(((3 * max_size + 256 * 1024 * 1024) / 1024 / 1024))m
		target=$((n * 9 / 10))
	fi
	log="$WORK/app-$n.log"
	APP_HEAP=$heap APP_JVM_OPTIONS="-Xlog:gc:file=$WORK/gc-$n.log:uptime" start_app "$PORT" "$log" \
		--sessions.store=memory --sessions.lock.manager=none --sessions.memory.max-size="${max_size}B" "$MANAGEMENT"
	wait_ready "$PORT" "$log"
	echo "N=$n: max-size ${max_size}B, -Xmx$heap; warming up ${WARMUP}s..." >&2
	new_visitors "$WARMUP" "$WORK/wrk-warmup-$n.txt"
	wait "$WRK_PID"
	if [ "$(store sessions)" -lt "$target" ]; then
		echo "N=$n: filling to $target sessions..." >&2
		new_visitors "$FILL_LIMIT" "$WORK/wrk-fill-$n.txt"
		deadline=$(($(date +%s) + FILL_LIMIT))
		filled=0
		while kill -0 "$WRK_PID" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
			[ "$(store sessions)" -lt "$target" ] || { filled=1; break; }
			sleep 0.5
		done
		kill -INT "$WRK_PID" 2>/dev/null || true
		wait "$WRK_PID" || true
		[ "$filled" = 1 ] || echo "N=$n: not filled to $target sessions in ${FILL_LIMIT}s" >&2
	fi
	read -r held_before evicted_before <<<"$(store sessions evicted)"
	load_before=$(cut -d' ' -f1 /proc/loadavg)
	from=$(jvm_uptime "${PID_OF[$PORT]}")
	echo "N=$n: $held_before sessions held; measuring ${SECONDS_PER_RUN}s..." >&2
	new_visitors "$SECONDS_PER_RUN" "$WORK/wrk-$n.txt" --latency
	wait "$WRK_PID"
	to=$(jvm_uptime "${PID_OF[$PORT]}")
	load_after=$(cut -d' ' -f1 /proc/loadavg)
	read -r held_after evicted_after <<<"$(store sessions evicted)"
	read -r pause pauses <<<"$(longest_pause "$WORK/gc-$n.log" "$from" "$to")"
	read -r _ requests duration p50 p99 p999 max socket status <<<"$(grep '^latency-us' "$WORK/wrk-$n.txt")"
	stop_app
	[ "$((socket + status))" -eq 0 ] || echo "N=$n: $socket socket errors, $status error responses" >&2
	[ "$n" = 0 ] || [ "$evicted_after" -gt "$evicted_before" ] || echo "N=$n: the run did not cross the bound" >&2
	RESULTS+=("$(row "$n" "$max_size" "$heap" "$requests" "$duration" "$held_before" "$held_after" \
		$((evicted_after - evicted_before)) "$p50" "$p99" "$p999" "$max" "$pause" "$pauses" \
		"$load_before-$load_after" $((socket + status)))")
	echo "${RESULTS[-1]}" >&2
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), benchmarks/http/fill.sh $SECONDS_PER_RUN ${BOUNDS[*]}: wrk -t$THREADS" \
	"-c$CONNECTIONS --latency, ${SECONDS_PER_RUN}s of new visitors per bound (each request creates a session)," \
	"lock manager off, $PER_SESSION bytes counted per session; $(nproc) cores."
echo
echo "| N (sessions at the bound) | max-size | -Xmx | new sessions/s | held before → after | evicted | p50 ms" \
	"| p99 ms | p99.9 ms | max ms | longest GC pause | load average before-after | errors |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|"
printf '%s\n' "${RESULTS[@]}"
