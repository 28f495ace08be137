#!/usr/bin/env bash
# Throughput of the stores over HTTP: requests per second and server CPU per request of the test
# application (dev.sessionstarter.lock.e2e.LockTestApplication, GET /increment: read a counter
# from the session, write it back +1) with the memory, file and memoized (validate, exclusive)
# stores, measured with wrk over many sessions. Request locking is off in every instance
# (sessions.lock.manager=none), so only the store differs. The four instances run side by side
# on 127.0.0.1 and are measured in rounds, the order rotating every round, so drift of a shared
# machine hits all alike; the median round and the range of rounds are reported, and each ratio
# is the median of the ratios within a round. The file stores write to fresh directories on
# tmpfs (/dev/shm), removed at the end.
#
# Usage (from the repository root): benchmarks/http/run.sh [seconds per run] [rounds] [sessions]
# Needs wrk (Debian: apt-get install -y wrk), curl and a JDK 17+.
set -euo pipefail

DURATION=${1:-10}
ROUNDS=${2:-3}
SESSIONS=${3:-1000}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
BASE_PORT=${BASE_PORT:-18091}
SHM=${SHM:-/dev/shm}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
DIRS=()
# shellcheck source=common.sh
. "$ROOT/benchmarks/http/common.sh"
cleanup() { http_cleanup "${DIRS[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }
[ -d "$SHM" ] || { echo "$SHM not found (set SHM to a tmpfs directory)" >&2; exit 1; }

VARIANTS=(memory file memoized-validate memoized-exclusive)
declare -A PORT_OF DIR_OF
# comparison: variant, the variant it is measured against
COMPARISONS=("memoized-validate file" "memoized-exclusive memory" "file memory")

arguments() { # variant: the application arguments that select its store
	case $1 in
		memory) echo "--sessions.store=memory --sessions.memory.max-size=64MB" ;;
		file) echo "--sessions.store=file --sessions.file.dir=${DIR_OF[$1]}" ;;
		memoized-validate | memoized-exclusive)
			echo "--sessions.store=memoized --sessions.memoized.delegate=file" \
				"--sessions.memoized.coherence=${1#memoized-} --sessions.file.dir=${DIR_OF[$1]}" ;;
	esac
}

build_classpath

port=$BASE_PORT
for variant in "${VARIANTS[@]}"; do
	PORT_OF[$variant]=$port
	port=$((port + 1))
	if [ "$variant" != memory ]; then
		DIR_OF[$variant]=$(mktemp -d "$SHM/session-starter-http-$variant.XXXXXX")
		DIRS+=("${DIR_OF[$variant]}")
	fi
	# shellcheck disable=SC2046 # the arguments contain no spaces
	start_app "${PORT_OF[$variant]}" "$WORK/app-$variant.log" --sessions.lock.manager=none $(arguments "$variant")
done
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

for variant in "${VARIANTS[@]}"; do
	port=${PORT_OF[$variant]}
	create_sessions "$port" "$SESSIONS" "$WORK/cookies-$variant.txt"
	if [ -n "${DIR_OF[$variant]:-}" ]; then
		# the sessions must be in the directory, else the instance is not running the store named
		files=$(find "${DIR_OF[$variant]}" -maxdepth 1 -type f -not -name '.*' | wc -l)
		[ "$files" -ge "$SESSIONS" ] || {
			echo "$variant: $files session files in ${DIR_OF[$variant]}, expected $SESSIONS" >&2
			exit 1
		}
	fi
	echo "Warming up $variant (port $port)..." >&2
	measure "$port" "$WORK/cookies-$variant.txt" "$DURATION" >/dev/null
done
fail_on_errors "while warming up"

for round in $(seq 1 "$ROUNDS"); do
	# rotate the order, so no variant always runs first or last in a round
	first=$(((round - 1) % ${#VARIANTS[@]}))
	order=("${VARIANTS[@]:first}" "${VARIANTS[@]:0:first}")
	for variant in "${order[@]}"; do
		result=$(measure "${PORT_OF[$variant]}" "$WORK/cookies-$variant.txt" "$DURATION")
		echo "$result" >>"$WORK/result-$variant.txt"
		echo "round $round, $variant:" "$(echo "$result" | awk '{ print $1 " req/s, " $2 " us CPU/request" }')" >&2
	done
	for comparison in "${COMPARISONS[@]}"; do
		read -r variant baseline <<<"$comparison"
		paste "$WORK/result-$variant.txt" "$WORK/result-$baseline.txt" | tail -1 \
			| awk '{ printf "%.2f %.2f\n", $1 / $3, $2 / $4 }' >>"$WORK/ratio-$variant.txt"
	done
done
fail_on_errors "during the measured rounds"

# the counters must have grown: the stores kept what the requests wrote
for variant in "${VARIANTS[@]}"; do
	count=$(curl -sf -H "Cookie: SESSION=$(head -1 "$WORK/cookies-$variant.txt")" \
		"http://127.0.0.1:${PORT_OF[$variant]}/count" || echo 0)
	[ "$count" -gt 0 ] || { echo "$variant: the first session's counter is $count after the runs" >&2; exit 1; }
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS over $SESSIONS sessions, GET /increment, ${DURATION}s per run, $ROUNDS rounds:"
echo "medians (range). CPU = user+system CPU time of the server process per request. Ratios: median"
echo "over rounds of variant / baseline within a round (req/s: above 1 is faster; CPU: below 1 is cheaper)."
echo "sessions.lock.manager=none everywhere; file stores on tmpfs ($SHM)."
echo
echo "| variant | req/s | CPU µs/request | against | req/s ratio | CPU ratio |"
echo "|---|---|---|---|---|---|"
for variant in "${VARIANTS[@]}"; do
	result="$WORK/result-$variant.txt"
	baseline=""
	for comparison in "${COMPARISONS[@]}"; do
		read -r name against <<<"$comparison"
		[ "$name" = "$variant" ] && baseline=$against
	done
	if [ -n "$baseline" ]; then
		ratio="$WORK/ratio-$variant.txt"
		ratios="| $baseline | $(column 1 "$ratio" | median)x ($(column 1 "$ratio" | range))"
		ratios+=" | $(column 2 "$ratio" | median)x ($(column 2 "$ratio" | range)) |"
	else
		ratios="| | | |"
	fi
	echo "| $variant | $(column 1 "$result" | median) ($(column 1 "$result" | range))" \
		"| $(column 2 "$result" | median) ($(column 2 "$result" | range)) $ratios"
done
