# Shell functions shared by the HTTP benchmarks (benchmarks/lock/run.sh, benchmarks/http/run.sh):
# build the test application's classpath, start and wait for instances, create sessions with
# curl, drive them with wrk and sessions.lua, read the server's CPU time, and summarize rounds.
# Sourced, not run. The sourcing script sets ROOT, WORK, THREADS and CONNECTIONS and keeps the
# process ids of what it starts in PIDS (stopped by http_cleanup) and PID_OF[port].

SESSIONS_LUA="$ROOT/benchmarks/lock/sessions.lua"
APPLICATION=dev.sessionstarter.lock.e2e.LockTestApplication
PIDS=()
declare -A PID_OF

http_cleanup() { # stops what start_app started, removes WORK and the given directories
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$WORK" "$@"
}

build_classpath() { # sets CLASSPATH to the test classpath of session-starter-autoconfigure
	echo "Building the test application..." >&2
	(cd "$ROOT" && ./mvnw -B -q -pl session-starter-autoconfigure -am test-compile -DskipTests \
		&& ./mvnw -B -q -pl session-starter-autoconfigure dependency:build-classpath \
			-Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null)
	local module="$ROOT/session-starter-autoconfigure/target"
	CLASSPATH="$module/classes:$module/test-classes:$(cat "$WORK/classpath.txt")"
}

require_tools() { # tool...: stops the script when one of the tools is not installed
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
	done
}

build_benchmarks() { # [module...]: sets CLASSPATH to the benchmarks module's classpath, building it (and the
	# given modules) unless BUILD=0 and it was built before
	local modules=benchmarks
	for module in "$@"; do modules="$modules,$module"; done
	if [ "${BUILD:-1}" = 1 ] || [ ! -f "$ROOT/benchmarks/target/classpath.txt" ]; then
		echo "Building the benchmark application..." >&2
		(cd "$ROOT" && ./mvnw -B -q -pl "$modules" -am package dependency:build-classpath -DskipTests \
			-Dmdep.outputFile=target/classpath.txt >/dev/null)
	fi
	CLASSPATH="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
}

start_app() { # port log-file application-arguments...: starts the test application on 127.0.0.1:port
	# with a heap of APP_HEAP (256m) and the JVM options in APP_JVM_OPTIONS (none)
	local port=$1 log=$2 heap=${APP_HEAP:-256m}
	shift 2
	if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
		echo "port $port is already in use" >&2
		exit 1
	fi
	# shellcheck disable=SC2086 # APP_JVM_OPTIONS holds several options
	java -Xms"$heap" -Xmx"$heap" ${APP_JVM_OPTIONS:-} -cp "$CLASSPATH" "$APPLICATION" \
		--server.address=127.0.0.1 --server.port="$port" \
		--logging.level.root=warn --spring.main.banner-mode=off "$@" >"$log" 2>&1 &
	PIDS+=($!)
	PID_OF[$port]=$!
}

wait_ready() { # port [log-file]: waits until the application answers (READY_SECONDS, 120), fails if it died
	for _ in $(seq 1 "${READY_SECONDS:-120}"); do
		curl -sf -o /dev/null "http://127.0.0.1:$1/count" && return 0
		if ! kill -0 "${PID_OF[$1]}" 2>/dev/null; then
			echo "application on port $1 exited during startup" >&2
			[ -n "${2:-}" ] && tail -40 "$2" >&2
			exit 1
		fi
		sleep 1
	done
	echo "application on port $1 did not start" >&2
	[ -n "${2:-}" ] && tail -40 "$2" >&2
	exit 1
}

create_sessions() { # port count file: creates count sessions, writes their cookie values to file
	local urls=()
	for _ in $(seq 1 "$2"); do urls+=("http://127.0.0.1:$1/count"); done
	curl -s -o /dev/null -D - "${urls[@]}" | tr -d '\r' \
		| sed -n 's/^Set-Cookie: SESSION=\([^;]*\);.*/\1/p' >"$3"
	[ "$(wc -l <"$3")" -eq "$2" ] || { echo "expected $2 sessions on port $1" >&2; exit 1; }
}

variant_arguments() { # variant: the application arguments that select its sessions; reads REDIS_PORT,
	# DATABASE_OF, DAEMON_PORT, DAEMON_SOCKET and DIR_OF[variant] (a directory of its own for the file stores)
	local redis="--spring.data.redis.host=127.0.0.1 --spring.data.redis.port=${REDIS_PORT:-}"
	redis+=" --spring.data.redis.database=${DATABASE_OF[$1]:-0}"
	case $1 in
		memory) echo "--sessions.store=memory --sessions.memory.max-size=64MB" ;;
		memory-unlocked) echo "--sessions.store=memory --sessions.memory.max-size=64MB --sessions.lock.manager=none" ;;
		file) echo "--sessions.store=file --sessions.file.dir=${DIR_OF[$1]}" ;;
		file-local) echo "--sessions.store=file --sessions.file.dir=${DIR_OF[$1]} --sessions.lock.manager=memory" ;;
		memoized) echo "--sessions.store=memoized --sessions.memoized.delegate=file" \
			"--sessions.memoized.coherence=validate --sessions.file.dir=${DIR_OF[$1]}" ;;
		memoized-local) echo "--sessions.store=memoized --sessions.memoized.delegate=file" \
			"--sessions.memoized.coherence=validate --sessions.file.dir=${DIR_OF[$1]} --sessions.lock.manager=memory" ;;
		daemon) echo "--sessions.store=daemon --sessions.daemon.address=$DAEMON_PORT" ;;
		daemon-retained) echo "--sessions.store=daemon --sessions.daemon.address=$DAEMON_PORT" \
			"--sessions.daemon.lock-retain=10s" ;;
		daemon-plain) echo "--sessions.store=daemon --sessions.daemon.address=$DAEMON_PORT" \
			"--sessions.daemon.lock-retain=0" ;;
		daemon-unix) echo "--sessions.store=daemon --sessions.daemon.address=$DAEMON_SOCKET" ;;
		redis) echo "--sessions.store=redis $redis" ;;
		memoized-redis) echo "--sessions.store=memoized --sessions.memoized.delegate=redis $redis" ;;
		redis-retained) echo "--sessions.store=redis --sessions.redis.lock-retain=10s $redis" ;;
		memoized-redis-retained) echo "--sessions.store=memoized --sessions.memoized.delegate=redis" \
			"--sessions.redis.lock-retain=10s $redis" ;;
		map) echo "--benchmark.repository=map --sessions.lock.manager=none" ;;
		spring-redis) echo "--benchmark.repository=redis --sessions.lock.manager=none $redis" ;;
		spring-redis-indexed) echo "--benchmark.repository=redis-indexed --sessions.lock.manager=none $redis" ;;
		jdbc) echo "--benchmark.repository=jdbc --sessions.lock.manager=none" ;;
	esac
}

cpu_ticks() { # pid: user + system CPU time of the process, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

thread_ticks() { # pid: CPU clock ticks of the process's threads by kind: "tomcat jit gc other" (Tomcat's
	# threads serve the requests; jit: the compiler threads; gc: the collector's)
	local task
	for task in /proc/"$1"/task/*; do
		cat "$task/stat" 2>/dev/null || true
	done | awk '{
		name = substr($0, index($0, "(") + 1); name = substr(name, 1, index(name, ")") - 1)
		split(substr($0, index($0, ") ") + 2), f, " "); ticks = f[12] + f[13]
		if (name ~ /^http-/) tomcat += ticks; else if (name ~ /CompilerThre/) jit += ticks
		else if (name ~ /^(GC |G1 )/) gc += ticks; else other += ticks
	} END { printf "%d %d %d %d\n", tomcat, jit, gc, other }'
}

per_request_by_thread() { # before after requests: "tomcat jit gc other" µs a request between two thread_ticks
	echo "$1 $2" | awk -v requests="$3" -v hz="$(getconf CLK_TCK)" '{
		printf "Tomcat threads %.1f, JIT %.1f, GC %.1f, other %.1f", ($5 - $1) * 1e6 / hz / requests,
			($6 - $2) * 1e6 / hz / requests, ($7 - $3) * 1e6 / hz / requests, ($8 - $4) * 1e6 / hz / requests }'
}

measure() { # port cookies-file seconds [lua-script path workload-args...] -> "requests/s server-CPU-microseconds/request"
	# Without a script, GET /increment over the cookies with $SESSIONS_LUA.
	# Responses other than 2xx and socket errors are reported on standard error and appended to
	# $WORK/errors.txt as "port non-2xx socket-errors" (a line for every run that had any).
	local port=$1 cookies=$2 seconds=$3 script=${4:-$SESSIONS_LUA} path=${5-increment}
	shift $(($# < 5 ? $# : 5))
	local before after non2xx socket
	before=$(cpu_ticks "${PID_OF[$port]}")
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" -s "$script" "http://127.0.0.1:$port/$path" -- "$cookies" "$@" \
		>"$WORK/wrk.txt"
	after=$(cpu_ticks "${PID_OF[$port]}")
	non2xx=$(awk '/Non-2xx/ { print $NF }' "$WORK/wrk.txt")
	socket=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$WORK/wrk.txt")
	if [ -n "$non2xx$socket" ]; then
		echo "errors on port $port: non-2xx ${non2xx:-0}, socket ${socket:-0}" >&2
		echo "$port ${non2xx:-0} ${socket:-0}" >>"$WORK/errors.txt"
	fi
	awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
		/requests in/ { requests = $1 }
		/Requests\/sec/ { rps = $2 }
		END { printf "%.0f %.1f\n", rps, ticks * 1000000 / hz / requests }' "$WORK/wrk.txt"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

range() { sort -n | awk 'NR == 1 { min = $1 } { max = $1 } END { printf "%s-%s", min, max }'; }

column() { # n file
	awk -v n="$1" '{ print $n }' "$2"
}
