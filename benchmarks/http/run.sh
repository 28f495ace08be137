#!/usr/bin/env bash
# The project's stores beside Spring Session's own repositories over HTTP, in one run: an
# application per variant (HttpBenchmarkApplication of the benchmarks module: Spring MVC, Spring
# Security, embedded Tomcat, -Xmx256m), all started before the first round, measured with wrk
# round after round in rotating order, two workloads: every request writes the session (GET
# /increment reads a counter and writes it back + 1), and read-mostly (9 of 10 requests GET
# /count, which only reads it). Request locking is on for the project's stores (each store's
# native lock manager); Spring Session's repositories have none. The save period is the
# starter's default (sessions.save-period=1m). Ratios are medians over rounds of the ratio of two
# variants measured in the same round. A local redis-server (a free loopback port) serves the
# Redis variants; the session daemon runs from session-daemon/target (`daemon` over loopback TCP,
# `daemon-unix`, not run by default, over a UNIX socket: a daemon of its own); file stores on tmpfs.
# `redis-retained` and `memoized-redis-retained` (not run by default) are `redis` and `memoized-redis`
# with retained Redis request locks (sessions.redis.lock-retain=10s). `daemon` retains its request
# locks in the daemon (sessions.daemon.lock-retain, 10s by default); `daemon-plain` (not run by
# default) is `daemon` without (lock-retain=0), and `daemon-retained` (not run by default) sets the
# retention explicitly (10s, as `daemon` now; the variant runs before 2026-12-06 13:00 compared).
# `file-local`, `memoized-local` and `memory-unlocked` (not run by default) show what the request
# lock costs: `file` and `memoized` with in-process request locks (sessions.lock.manager=memory,
# right for one JVM only) and `memory` with none (sessions.lock.manager=none, as `map`). For `file`
# that is not the OS lock's cost: without a request lock, the store's record lock takes the same
# OS lock at the save (benchmarks/results/http-file.md counts the system calls).
#
# Usage (from the repository root): benchmarks/http/run.sh [seconds per run] [rounds] [sessions]
# Defaults 8 3 1000: about 10 minutes. Needs wrk, curl, redis-server, python3 and a JDK 17+.
# BUILD=0 skips the Maven build (benchmarks/target and session-daemon/target are used as they are).
# APP_JVM_OPTIONS and DAEMON_JVM_OPTIONS add JVM options to the applications and the daemons (a JFR
# recording: -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=<a directory>/).
set -euo pipefail

DURATION=${1:-8}
ROUNDS=${2:-3}
SESSIONS=${3:-1000}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
BASE_PORT=${BASE_PORT:-18101}
SHM=${SHM:-/dev/shm}
WARMUP=${WARMUP:-15} # per workload and variant: the JIT still compiles much after 5 s

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
DIRS=()
# shellcheck source=common.sh
. "$ROOT/benchmarks/http/common.sh"
APPLICATION=dev.sessionstarter.benchmarks.http.HttpBenchmarkApplication
WORKLOAD_LUA="$ROOT/benchmarks/http/workload.lua"
REDIS_PID=""
DAEMON_PID=""
UNIX_DAEMON_PID=""
cleanup() {
	http_cleanup "${DIRS[@]}"
	for pid in $DAEMON_PID $UNIX_DAEMON_PID $REDIS_PID; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_tools wrk curl redis-server java
[ -d "$SHM" ] || { echo "$SHM not found (set SHM to a tmpfs directory)" >&2; exit 1; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# VARIANTS="memory map" runs a subset; comparisons between variants not run are left out
read -r -a VARIANTS <<<"${VARIANTS:-memory file memoized daemon redis memoized-redis map spring-redis spring-redis-indexed jdbc}"
WORKLOADS=("write 1" "read-mostly 10")
# comparison: variant, the variant it is measured against
COMPARISONS=("memory map" "file memory" "memoized memory" "daemon memory" "daemon-unix memory"
	"daemon-unix daemon" "daemon-retained memory" "daemon-retained daemon" "daemon-plain memory"
	"daemon daemon-plain" "redis memory"
	"memoized-redis memory" "file jdbc" "daemon spring-redis" "daemon-unix spring-redis" "redis spring-redis"
	"memoized-redis spring-redis" "redis-retained spring-redis" "memoized-redis-retained spring-redis"
	"redis-retained memory" "memoized-redis-retained memory" "spring-redis-indexed spring-redis" "map memory"
	"jdbc memory" "spring-redis memory" "file-local memory" "file-local file" "memoized-local memory"
	"memoized-local memoized" "memory-unlocked map" "memory memory-unlocked")
declare -A PORT_OF DIR_OF DATABASE_OF
kept=()
for comparison in "${COMPARISONS[@]}"; do
	read -r variant baseline <<<"$comparison"
	[[ " ${VARIANTS[*]} " == *" $variant "* && " ${VARIANTS[*]} " == *" $baseline "* ]] && kept+=("$comparison")
done
COMPARISONS=("${kept[@]}")

build_benchmarks session-daemon

REDIS_PORT=$(free_port)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --databases 8 \
	>"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
DAEMON_PORT=$(free_port)
# shellcheck disable=SC2086 # DAEMON_JVM_OPTIONS (none by default) holds several options
java -Xms256m -Xmx256m ${DAEMON_JVM_OPTIONS:-} -jar "$ROOT/session-daemon/target/session-daemon.jar" "$DAEMON_PORT" \
	>"$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
if [[ " ${VARIANTS[*]} " == *" daemon-unix "* ]]; then # a daemon of its own, on a UNIX socket
	DAEMON_SOCKET="$WORK/daemon.sock"
	# shellcheck disable=SC2086
	java -Xms256m -Xmx256m ${DAEMON_JVM_OPTIONS:-} -jar "$ROOT/session-daemon/target/session-daemon.jar" \
		"$DAEMON_SOCKET" \
		>"$WORK/daemon-unix.log" 2>&1 &
	UNIX_DAEMON_PID=$!
fi

database=0
port=$BASE_PORT
for variant in "${VARIANTS[@]}"; do
	PORT_OF[$variant]=$port
	port=$((port + 1))
	case $variant in
		file | memoized | file-local | memoized-local)
			DIR_OF[$variant]=$(mktemp -d "$SHM/session-starter-http-$variant.XXXXXX")
			DIRS+=("${DIR_OF[$variant]}") ;;
		*redis*)
			DATABASE_OF[$variant]=$database
			database=$((database + 1)) ;;
	esac
	# shellcheck disable=SC2046 # the arguments contain no spaces
	start_app "${PORT_OF[$variant]}" "$WORK/app-$variant.log" $(variant_arguments "$variant")
done
READY_SECONDS=${READY_SECONDS:-600} # ten applications starting at once on a busy machine
for variant in "${VARIANTS[@]}"; do
	wait_ready "${PORT_OF[$variant]}" "$WORK/app-$variant.log"
done

fail_on_errors() { # when: stops the script if any run so far had non-2xx responses or socket errors
	[ -s "$WORK/errors.txt" ] || return 0
	echo >&2
	echo "FAILED: errors $1 (port, non-2xx responses, socket errors per run):" >&2
	for variant in "${VARIANTS[@]}"; do
		awk -v port="${PORT_OF[$variant]}" -v name="$variant" \
			'$1 == port { print "  " name ": " $0 }' "$WORK/errors.txt" >&2
		grep -m 5 -E "ERROR|Exception" "$WORK/app-$variant.log" | sed "s/^/  $variant log: /" >&2 || true
	done
	exit 1
}

run() { # port cookies seconds every -> "requests/s server-CPU-microseconds/request"
	measure "$1" "$2" "$3" "$WORKLOAD_LUA" "" "$4"
}

for variant in "${VARIANTS[@]}"; do
	create_sessions "${PORT_OF[$variant]}" "$SESSIONS" "$WORK/cookies-$variant.txt"
	echo "Warming up $variant (port ${PORT_OF[$variant]})..." >&2
	for workload in "${WORKLOADS[@]}"; do
		read -r _ every <<<"$workload"
		run "${PORT_OF[$variant]}" "$WORK/cookies-$variant.txt" "$WARMUP" "$every" >/dev/null
	done
done
fail_on_errors "while warming up"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

for round in $(seq 1 "$ROUNDS"); do
	first=$(((round - 1) % ${#VARIANTS[@]}))
	order=("${VARIANTS[@]:first}" "${VARIANTS[@]:0:first}")
	for workload in "${WORKLOADS[@]}"; do
		read -r name every <<<"$workload"
		for variant in "${order[@]}"; do
			result=$(run "${PORT_OF[$variant]}" "$WORK/cookies-$variant.txt" "$DURATION" "$every")
			echo "$result" >>"$WORK/result-$name-$variant.txt"
			echo "round $round, $name, $variant: $result (req/s, µs CPU/request)" >&2
		done
		for comparison in "${COMPARISONS[@]}"; do
			read -r variant baseline <<<"$comparison"
			paste "$WORK/result-$name-$variant.txt" "$WORK/result-$name-$baseline.txt" | tail -1 \
				| awk '{ printf "%.2f %.2f\n", $1 / $3, $2 / $4 }' >>"$WORK/ratio-$name-$variant-$baseline.txt"
		done
	done
done
fail_on_errors "during the measured rounds"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

for variant in "${VARIANTS[@]}"; do
	count=$(curl -sf -H "Cookie: SESSION=$(head -1 "$WORK/cookies-$variant.txt")" \
		"http://127.0.0.1:${PORT_OF[$variant]}/count" || echo 0)
	[ "$count" -gt 0 ] || { echo "$variant: the first session's counter is $count after the runs" >&2; exit 1; }
done

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), benchmarks/http/run.sh $DURATION $ROUNDS $SESSIONS: wrk -t$THREADS -c$CONNECTIONS," \
	"$SESSIONS returning sessions per variant, ${DURATION}s per run, $ROUNDS rounds; load average" \
	"$LOAD_START at the first round, $LOAD_END after the last ($(nproc) cores)."
echo "Medians (range) over rounds; CPU = user+system CPU time of the server process per request."
echo "Ratios: median over rounds of variant / baseline within a round (req/s: above 1 is faster)."
for workload in "${WORKLOADS[@]}"; do
	read -r name every <<<"$workload"
	echo
	echo "### $name ($([ "$every" = 1 ] && echo "every request writes" || echo "1 request in $every writes, the others only read"))"
	echo
	echo "| variant | req/s | CPU µs/request |"
	echo "|---|---|---|"
	for variant in "${VARIANTS[@]}"; do
		result="$WORK/result-$name-$variant.txt"
		echo "| $variant | $(column 1 "$result" | median) ($(column 1 "$result" | range))" \
			"| $(column 2 "$result" | median) ($(column 2 "$result" | range)) |"
	done
	echo
	echo "| variant | against | req/s ratio | CPU ratio |"
	echo "|---|---|---|---|"
	for comparison in "${COMPARISONS[@]}"; do
		read -r variant baseline <<<"$comparison"
		ratio="$WORK/ratio-$name-$variant-$baseline.txt"
		echo "| $variant | $baseline | $(column 1 "$ratio" | median)x ($(column 1 "$ratio" | range))" \
			"| $(column 2 "$ratio" | median)x ($(column 2 "$ratio" | range)) |"
	done
done
