#!/usr/bin/env bash
# What many session files cost the requests of a `file` store over HTTP (issue 15): a directory on
# tmpfs gets FILES sessions that expired an hour ago and 3 live sessions of the principal `user`
# (SessionFiles, before the application starts); the application (HttpBenchmarkApplication,
# sessions.store=file, its native file locks, no scheduled purge) then serves 1,000 returning
# sessions of its own. Measured with wrk --latency (60 s timeout):
# - principal lookups with the FILES files present: GET /actuator/sessions?username=user, one
#   connection, SECONDS; the answer must hold the 3 sessions;
# - requests without a purge: GET /increment over the 1,000 sessions, SECONDS;
# - requests during the purge: GET /increment over the 1,000 sessions starts, POST
#   /actuator/sessionstore/purge is sent, and wrk is stopped (SIGINT) when the purge has answered
#   (at most 600 s); the purge's own time is curl's;
# - principal lookups again after the purge, with only the live files left.
# Prints a table with the load average beside each run, then stops the application and removes the
# directory.
#
# Usage (from the repository root): benchmarks/http/purge.sh [files] [seconds]
# Defaults 100000 10: a few minutes. BUILD=0 skips the Maven build; WRK_THREADS (2),
# WRK_CONNECTIONS (16), WARMUP (10), SHM (/dev/shm), PORT (18122).
set -euo pipefail

FILES=${1:-100000}
SECONDS_PER_RUN=${2:-10}
THREADS=${WRK_THREADS:-2}
CONNECTIONS=${WRK_CONNECTIONS:-16}
WARMUP=${WARMUP:-10}
SHM=${SHM:-/dev/shm}
PORT=${PORT:-18122}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
DIR=$(mktemp -d "$SHM/session-starter-purge.XXXXXX")
# shellcheck source=common.sh
. "$ROOT/benchmarks/http/common.sh"
APPLICATION=dev.sessionstarter.benchmarks.http.HttpBenchmarkApplication
LATENCY_LUA="$ROOT/benchmarks/http/latency.lua"
trap 'http_cleanup "$DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_tools wrk curl python3 java

build_benchmarks
URL="http://127.0.0.1:$PORT"

latency() { # name connections seconds path lua-argument: one wrk run, its figures appended to $WORK/runs.txt
	start_latency "$@"
	wait "$WRK_PID"
	record_latency "$1"
}

start_latency() { # name connections seconds path lua-argument: starts one wrk run in the background (WRK_PID)
	local name=$1 connections=$2 seconds=$3 path=$4 argument=$5
	LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
	wrk -t"$((connections < THREADS ? connections : THREADS))" -c"$connections" -d"${seconds}s" --timeout 60s \
		--latency -s "$LATENCY_LUA" "$URL$path" -- "$argument" >"$WORK/wrk-$name.txt" &
	WRK_PID=$!
	PIDS+=("$WRK_PID")
}

record_latency() { # name: appends the figures of a finished wrk run to $WORK/runs.txt
	echo "$1 $(grep '^latency-us' "$WORK/wrk-$1.txt" | cut -d' ' -f2-) $LOAD_BEFORE-$(cut -d' ' -f1 /proc/loadavg)" \
		>>"$WORK/runs.txt"
	tail -1 "$WORK/runs.txt" >&2
}

lookup_count() { # the number of sessions /actuator/sessions lists for user
	curl -sf "$URL/actuator/sessions?username=user" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sessions"]))'
}

echo "Writing $FILES expired session files to $DIR..." >&2
java -cp "$CLASSPATH" dev.sessionstarter.benchmarks.http.SessionFiles "$DIR" "$FILES" user 3 >&2
start_app "$PORT" "$WORK/app.log" --sessions.store=file --sessions.file.dir="$DIR" --sessions.purge-interval=24h \
	--management.endpoints.web.exposure.include=sessionstore,sessions
wait_ready "$PORT" "$WORK/app.log"
create_sessions "$PORT" 1000 "$WORK/cookies.txt"
[ "$(lookup_count)" -eq 3 ] || { echo "the lookup does not find the 3 sessions of user" >&2; exit 1; }
echo "Warming up ${WARMUP}s..." >&2
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LATENCY_LUA" "$URL/increment" -- "$WORK/cookies.txt" >/dev/null
# the lookup's own code (the endpoint, Jackson) is compiled only after some 20,000 calls
wrk -t"$THREADS" -c4 -d"$((3 * WARMUP))s" -s "$LATENCY_LUA" "$URL/actuator/sessions?username=user" -- new >/dev/null

files_before=$(find "$DIR" -maxdepth 1 -name '*.session' | wc -l)
latency lookup-before 1 "$SECONDS_PER_RUN" "/actuator/sessions?username=user" new
latency requests "$CONNECTIONS" "$SECONDS_PER_RUN" /increment "$WORK/cookies.txt"
start_latency during-purge "$CONNECTIONS" 600 /increment "$WORK/cookies.txt"
curl -sf -X POST --max-time 600 -o "$WORK/purge.json" -w '%{time_total}\n' "$URL/actuator/sessionstore/purge" \
	>"$WORK/purge-time.txt" || echo "failed" >"$WORK/purge-time.txt"
kill -INT "$WRK_PID" 2>/dev/null || true
wait "$WRK_PID" || true
record_latency during-purge
[ "$(cat "$WORK/purge-time.txt")" != failed ] || { echo "the purge failed" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
removed=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["removed"])' "$WORK/purge.json" 2>/dev/null \
	|| cat "$WORK/purge.json")
files_after=$(find "$DIR" -maxdepth 1 -name '*.session' | wc -l)
[ "$(lookup_count)" -eq 3 ] || { echo "after the purge, the lookup does not find the 3 sessions of user" >&2; exit 1; }
latency lookup-after 1 "$SECONDS_PER_RUN" "/actuator/sessions?username=user" new

echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), benchmarks/http/purge.sh $FILES $SECONDS_PER_RUN: file store on tmpfs," \
	"$files_before session files before the purge ($FILES expired), $files_after after; the purge removed $removed" \
	"in $(cat "$WORK/purge-time.txt") s (POST /actuator/sessionstore/purge); $(nproc) cores."
echo
echo "| run | files | wrk | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | load average before-after |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"
python3 - "$WORK/runs.txt" "$files_before" "$files_after" "$THREADS" "$CONNECTIONS" <<'EOF'
import sys
names = {
	"lookup-before": "principal lookup (`/actuator/sessions?username=user`, 3 sessions)",
	"requests": "`GET /increment`, no purge",
	"during-purge": "`GET /increment` during the purge",
	"lookup-after": "principal lookup after the purge",
}
before, after, threads, connections = sys.argv[2:]
for line in open(sys.argv[1]):
	name, requests, duration, p50, p99, p999, top, socket, status, load = line.split()
	files = after if name == "lookup-after" else before
	wrk = "-t1 -c1" if name.startswith("lookup") else "-t%s -c%s" % (threads, connections)
	ms = lambda us: "%.2f" % (int(us) / 1000)
	print("| %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |" % (names[name], format(int(files), ","), wrk,
		format(round(int(requests) / (int(duration) / 1e6)), ","), ms(p50), ms(p99), ms(p999), ms(top),
		int(socket) + int(status), load))
EOF
