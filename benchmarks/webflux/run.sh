#!/usr/bin/env bash
# Throughput of a WebFlux application (dev.sessionstarter.reactive.e2e.ReactiveTestApplication on
# Netty, GET /increment: read a counter from the session, write it back +1) with session-starter's
# memory store and its request locks (sessions.lock.manager=memory, the default) against the same
# application on WebFlux's own in-memory WebSessionStore (the starter's reactive auto-configurations
# excluded: no Spring Session, no locks), measured with wrk in one run. Both run side by side on
# 127.0.0.1 and are measured in alternating rounds; the median round and the range are reported.
#
# Each application is first driven for WARMUP_SECONDS (default 30): the starter's request path has
# more code for the JIT to compile, and until it is compiled the run measures compilation rather
# than steady state. On a heavily loaded machine raise it (a warm run is about 150 us CPU/request).
#
# Usage (from the repository root): benchmarks/webflux/run.sh [seconds per run] [rounds] [sessions]
# Needs wrk (Debian: apt-get install -y wrk), curl and a JDK 17+.
set -euo pipefail

DURATION=${1:-10}
ROUNDS=${2:-3}
SESSIONS=${3:-1000}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
STARTER_PORT=${STARTER_PORT:-18091}
DEFAULT_PORT=${DEFAULT_PORT:-18092}
WARMUP=${WARMUP_SECONDS:-30}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
# shellcheck source=../http/common.sh
. "$ROOT/benchmarks/http/common.sh"
APPLICATION=dev.sessionstarter.reactive.e2e.ReactiveTestApplication
trap http_cleanup EXIT

create_sessions() { # port count file: as common.sh's, but Netty sends the header as set-cookie
	local urls=()
	for _ in $(seq 1 "$2"); do urls+=("http://127.0.0.1:$1/count"); done
	curl -s -o /dev/null -D - "${urls[@]}" | tr -d '\r' \
		| sed -n 's/^[Ss]et-[Cc]ookie: SESSION=\([^;]*\);.*/\1/p' >"$3"
	[ "$(wc -l <"$3")" -eq "$2" ] || { echo "expected $2 sessions on port $1" >&2; exit 1; }
}

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }

build_classpath

start_app "$STARTER_PORT" "$WORK/app-starter.log" --spring.main.web-application-type=reactive \
	--sessions.store=memory --sessions.memory.max-size=64MB
start_app "$DEFAULT_PORT" "$WORK/app-default.log" --spring.main.web-application-type=reactive \
	--spring.autoconfigure.exclude=dev.sessionstarter.autoconfigure.ReactiveSessionStoreAutoConfiguration,dev.sessionstarter.autoconfigure.ReactiveSessionLockAutoConfiguration
wait_ready "$STARTER_PORT" "$WORK/app-starter.log"
wait_ready "$DEFAULT_PORT" "$WORK/app-default.log"
for port in "$STARTER_PORT" "$DEFAULT_PORT"; do
	create_sessions "$port" "$SESSIONS" "$WORK/many-$port.txt"
	echo "Warming up port $port..." >&2
	measure "$port" "$WORK/many-$port.txt" "$WARMUP" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
	order="$STARTER_PORT $DEFAULT_PORT"
	[ $((round % 2)) -eq 0 ] && order="$DEFAULT_PORT $STARTER_PORT"
	for port in $order; do
		result=$(measure "$port" "$WORK/many-$port.txt" "$DURATION")
		echo "$result" >>"$WORK/result-$port.txt"
		echo "round $round, $([ "$port" = "$STARTER_PORT" ] && echo "starter memory store + locks" \
			|| echo "WebFlux in-memory WebSessionStore"): $(echo "$result" | awk '{ print $1 " req/s, " $2 " us CPU/request" }')" >&2
	done
	paste "$WORK/result-$STARTER_PORT.txt" "$WORK/result-$DEFAULT_PORT.txt" | tail -1 \
		| awk '{ printf "%.2f\n", $1 / $3 }' >>"$WORK/ratio.txt"
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up, ${DURATION}s per run, $ROUNDS rounds, medians (range), $SESSIONS sessions; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| WebFlux application | req/s | CPU µs/request |"
echo "|---|---|---|"
echo "| session-starter memory store, memory locks | $(column 1 "$WORK/result-$STARTER_PORT.txt" | median) ($(column 1 "$WORK/result-$STARTER_PORT.txt" | range)) | $(column 2 "$WORK/result-$STARTER_PORT.txt" | median) |"
echo "| WebFlux's in-memory WebSessionStore | $(column 1 "$WORK/result-$DEFAULT_PORT.txt" | median) ($(column 1 "$WORK/result-$DEFAULT_PORT.txt" | range)) | $(column 2 "$WORK/result-$DEFAULT_PORT.txt" | median) |"
echo
echo "ratio starter/default (median of rounds, each pairing two adjacent runs): $(median <"$WORK/ratio.txt") ($(range <"$WORK/ratio.txt"))"
[ -f "$WORK/errors.txt" ] && { echo "errors:"; cat "$WORK/errors.txt"; }
exit 0
