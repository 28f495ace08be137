#!/usr/bin/env bash
# Request latency while new sessions fill the memory store past its bound, for each bound in
# sessions given: an application (HttpBenchmarkApplication, sessions.store=memory,
# sessions.lock.manager=none) whose sessions.memory.max-size holds about that many sessions of
# this workload gets 1.5 times as many requests without a cookie (wrk --latency, fill.lua), each
# creating a session, so the store crosses its bound and evicts on the way. Prints the latency
# distribution, then the sessions and bytes the store holds at the end.
#
# Usage (from the repository root): benchmarks/http/fill.sh [sessions...]   (default 10000 100000)
# BYTES_PER_SESSION (400) sizes the bound; HEAP (-Xmx, default 2g). BUILD=0 skips the build.
set -euo pipefail

BOUNDS=("${@:-10000 100000}")
# shellcheck disable=SC2206
[ $# -eq 0 ] && BOUNDS=(10000 100000)
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
PORT=${PORT:-18121}
PER=${BYTES_PER_SESSION:-400}
HEAP=${HEAP:-2g}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

if [ "${BUILD:-1}" = 1 ] || [ ! -f "$ROOT/benchmarks/target/classpath.txt" ]; then
	(cd "$ROOT" && ./mvnw -B -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
		-Dmdep.outputFile=target/classpath.txt >/dev/null)
fi
CLASSPATH="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"

for bound in "${BOUNDS[@]}"; do
	java -Xms"$HEAP" -Xmx"$HEAP" -cp "$CLASSPATH" dev.sessionstarter.benchmarks.http.HttpBenchmarkApplication \
		--server.address=127.0.0.1 --server.port="$PORT" --logging.level.root=warn \
		--spring.main.banner-mode=off --sessions.store=memory --sessions.lock.manager=none \
		--sessions.memory.max-size=$((bound * PER))B \
		--management.endpoints.web.exposure.include=sessionstore >"$WORK/app.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 120); do
		curl -sf -o /dev/null "http://127.0.0.1:$PORT/actuator/sessionstore" && break
		sleep 1
	done
	# warm up below the bound, then empty the store
	wrk -t"$THREADS" -c"$CONNECTIONS" -s "$ROOT/benchmarks/http/fill.lua" \
		"http://127.0.0.1:$PORT/increment" -- $((bound / 2 < 20000 ? bound / 2 : 20000)) "$THREADS" >/dev/null
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "== bound of about $bound sessions ($((bound * PER)) bytes), $((bound * 3 / 2)) new sessions, load $load"
	wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d3600s -s "$ROOT/benchmarks/http/fill.lua" \
		"http://127.0.0.1:$PORT/increment" -- $((bound * 3 / 2)) "$THREADS" \
		| grep -E "Latency|50%|90%|99%|requests in|Requests/sec|Non-2xx|Socket"
	curl -s "http://127.0.0.1:$PORT/actuator/sessionstore" | python3 -c '
import json, sys
store = json.load(sys.stdin)
print("store holds", store.get("sessions"), "sessions,", store.get("bytes"), "bytes; evicted", store["counters"].get("evicted"))'
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=""
done
