#!/usr/bin/env bash
# Throughput of request locking: requests per second of the test application
# (dev.sessionstarter.lock.e2e.LockTestApplication, GET /increment: read a counter from the
# session, write it back +1) with locking on (sessions.lock.manager=memory) and off (none),
# on one session and on many sessions, measured with wrk in one run. Both applications run
# side by side on 127.0.0.1 and are measured in alternating rounds, so drift of a shared
# machine hits both alike; the median round and the range of rounds are reported. With
# sessions.lock.manager=none the lock filter is not registered: "off" is plain Spring Session.
# Last, FilterOverhead.java measures the filter's CPU cost per request without HTTP.
#
# Usage (from the repository root): benchmarks/lock/run.sh [seconds per run] [rounds] [sessions]
# Needs wrk (Debian: apt-get install -y wrk), curl and a JDK 17+.
set -euo pipefail

DURATION=${1:-10}
ROUNDS=${2:-3}
SESSIONS=${3:-1000}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
ON_PORT=${ON_PORT:-18081}
OFF_PORT=${OFF_PORT:-18082}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/benchmarks/lock"
WORK=$(mktemp -d)
# shellcheck source=../http/common.sh
. "$ROOT/benchmarks/http/common.sh"
trap http_cleanup EXIT

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }

build_classpath

start() { # port manager
	start_app "$1" "$WORK/app-$2.log" --sessions.lock.manager="$2" --sessions.memory.max-size=64MB
}

start "$ON_PORT" memory
start "$OFF_PORT" none
wait_ready "$ON_PORT" "$WORK/app-memory.log"
wait_ready "$OFF_PORT" "$WORK/app-none.log"
for port in "$ON_PORT" "$OFF_PORT"; do
	create_sessions "$port" 1 "$WORK/one-$port.txt"
	create_sessions "$port" "$SESSIONS" "$WORK/many-$port.txt"
	echo "Warming up port $port..." >&2
	measure "$port" "$WORK/many-$port.txt" "$DURATION" >/dev/null
	measure "$port" "$WORK/one-$port.txt" "$DURATION" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
	for workload in one many; do
		# alternate which application goes first, so neither always runs on a warmer machine
		order="$ON_PORT $OFF_PORT"
		[ $((round % 2)) -eq 0 ] && order="$OFF_PORT $ON_PORT"
		for port in $order; do
			result=$(measure "$port" "$WORK/$workload-$port.txt" "$DURATION")
			echo "$result" >>"$WORK/result-$workload-$port.txt"
			echo "round $round, $workload session(s), locking $([ "$port" = "$ON_PORT" ] && echo on || echo off):" \
				"$(echo "$result" | awk '{ print $1 " req/s, " $2 " us CPU/request" }')" >&2
		done
		# the cost of locking in this round, from the two runs next to each other in time
		paste "$WORK/result-$workload-$ON_PORT.txt" "$WORK/result-$workload-$OFF_PORT.txt" | tail -1 \
			| awk '{ printf "%.1f %.1f\n", ($3 - $1) * 100 / $3, ($2 - $4) * 100 / $4 }' >>"$WORK/cost-$workload.txt"
	done
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per run, $ROUNDS rounds, medians (range); $SESSIONS sessions for 'many'."
echo "CPU = user+system CPU time of the server process per request. Cost = median over rounds of"
echo "(off - on) / off for requests/s and (on - off) / off for CPU, each round pairing two adjacent runs."
echo
echo "| workload | req/s locking on (memory) | req/s locking off (none) | cost in req/s | CPU µs/request on | CPU µs/request off | cost in CPU |"
echo "|---|---|---|---|---|---|---|"
for workload in one many; do
	on="$WORK/result-$workload-$ON_PORT.txt"
	off="$WORK/result-$workload-$OFF_PORT.txt"
	label=$([ "$workload" = one ] && echo "one session" || echo "$SESSIONS sessions")
	echo "| $label | $(column 1 "$on" | median) ($(column 1 "$on" | range))" \
		"| $(column 1 "$off" | median) ($(column 1 "$off" | range))" \
		"| $(column 1 "$WORK/cost-$workload.txt" | median)%" \
		"| $(column 2 "$on" | median) ($(column 2 "$on" | range))" \
		"| $(column 2 "$off" | median) ($(column 2 "$off" | range))" \
		"| $(column 2 "$WORK/cost-$workload.txt" | median)% |"
done

echo
echo "In-process cost of the filter alone (no HTTP), one thread:"
java -cp "$CLASSPATH" "$HERE/FilterOverhead.java" "$SESSIONS" 5
