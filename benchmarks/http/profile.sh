#!/usr/bin/env bash
# Profiles two or more variants of benchmarks/http/run.sh over HTTP with async-profiler, to find
# what a request costs in one and not the other (by default `memory`, request locks on, and Spring
# Session's MapSessionRepository, `map`, no locks): the applications (HttpBenchmarkApplication)
# started at once, 1,000 returning sessions each, warmed with wrk (every request writes), then for
# each event (cpu, then lock contention of 1 µs or more) each application is profiled in turn
# during a wrk run of its own, and finally all are measured unprofiled. Writes collapsed stacks
# (<event>-<variant>.collapsed) and each application's raw response to one request
# (curl-<variant>.txt) to OUT; prints requests/s and server CPU µs/request of every run with the
# load average, and for the unprofiled runs the CPU µs a request of Tomcat's threads (which
# serve the requests), of the JIT compiler's and of the collector's apart, since a compiler still
# at work moves a process's CPU a request by more than the gap looked for. Compare the profiles
# as shares of the request threads' samples (frames under CoyoteAdapter.service), not as counts;
# an `alloc` event (EVENTS="alloc") profiles allocations.
#
# Usage (from the repository root): AP=<path to libasyncProfiler.so> benchmarks/http/profile.sh
# Environment: VARIANTS (default "map memory"; those of run.sh that need no redis-server or
# daemon: map, memory, memory-unlocked, file, file-local, memoized, memoized-local; the file stores
# on SHM, /dev/shm), OUT (default target/http-profile), WARM (warm-up seconds per application,
# 30), SECS (seconds per run, 10), INTERVAL (cpu sampling interval, 1ms), EVENTS ("cpu lock"),
# BUILD=0 to use benchmarks/target as it is. The JIT still compiles much in the first 30 s:
# a shorter warm-up shows compiler threads and interpreted frames, not the steady state.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
# shellcheck source=common.sh
. "$ROOT/benchmarks/http/common.sh"
APPLICATION=dev.sessionstarter.benchmarks.http.HttpBenchmarkApplication
WORKLOAD_LUA="$ROOT/benchmarks/http/workload.lua"
DIRS=()
trap 'http_cleanup "${DIRS[@]}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ -f "${AP:-}" ] || { echo "set AP to the path of libasyncProfiler.so" >&2; exit 1; }
require_tools wrk curl jcmd java
OUT=${OUT:-$ROOT/target/http-profile}
mkdir -p "$OUT"
build_benchmarks
export APP_JVM_OPTIONS="-XX:+EnableDynamicAgentLoading ${APP_JVM_OPTIONS:-}"
read -r -a VARIANTS <<<"${VARIANTS:-map memory}"
declare -A PORT DIR_OF DATABASE_OF
port=${BASE_PORT:-18201}
for variant in "${VARIANTS[@]}"; do
	PORT[$variant]=$port
	port=$((port + 1))
	case $variant in
		file* | memoized*) DIR_OF[$variant]=$(mktemp -d "${SHM:-/dev/shm}/session-starter-profile-$variant.XXXXXX")
			DIRS+=("${DIR_OF[$variant]}") ;;
	esac
	# shellcheck disable=SC2046 # the arguments contain no spaces
	start_app "${PORT[$variant]}" "$WORK/app-$variant.log" $(variant_arguments "$variant")
done
for variant in "${VARIANTS[@]}"; do
	wait_ready "${PORT[$variant]}" "$WORK/app-$variant.log"
	create_sessions "${PORT[$variant]}" 1000 "$WORK/cookies-$variant.txt"
done
run() { # variant seconds
	measure "${PORT[$1]}" "$WORK/cookies-$1.txt" "$2" "$WORKLOAD_LUA" "" 1
}
agent() { # variant options: loads async-profiler into the application with the options (quoted for jcmd)
	jcmd "${PID_OF[${PORT[$1]}]}" JVMTI.agent_load "$AP" "\"$2\"" >/dev/null
}
for variant in "${VARIANTS[@]}"; do run "$variant" "${WARM:-30}" >/dev/null; done
for event in ${EVENTS:-cpu lock}; do
	for variant in "${VARIANTS[@]}"; do
		case $event in
			lock) agent "$variant" "start,lock=1us" ;;
			alloc) agent "$variant" "start,alloc" ;;
			*) agent "$variant" "start,event=$event,interval=${INTERVAL:-1ms}" ;;
		esac
		result=$(run "$variant" "${SECS:-10}")
		agent "$variant" "stop,file=$OUT/$event-$variant.collapsed"
		echo "$event profile, $variant: $result (req/s, µs CPU/request), load $(cut -d' ' -f1-3 /proc/loadavg)"
	done
done
for variant in "${VARIANTS[@]}"; do
	before=$(thread_ticks "${PID_OF[${PORT[$variant]}]}")
	result=$(run "$variant" "${SECS:-10}")
	by_thread=$(per_request_by_thread "$before" "$(thread_ticks "${PID_OF[${PORT[$variant]}]}")" \
		"$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")")
	echo "unprofiled, $variant: $result (req/s, µs CPU/request: $by_thread), load $(cut -d' ' -f1-3 /proc/loadavg)"
	curl -sv -H "Cookie: SESSION=$(head -1 "$WORK/cookies-$variant.txt")" \
		"http://127.0.0.1:${PORT[$variant]}/increment" 2>&1 | tr -d '\r' >"$OUT/curl-$variant.txt"
done
echo "Profiles in $OUT"
