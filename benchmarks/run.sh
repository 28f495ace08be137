#!/usr/bin/env bash
# The one benchmark command: builds the benchmarks jar, runs the JMH RequestCycleBenchmark
# (requestCycle and createAndSave, one trial per implementation, 1 and 2 threads), the
# InterleavedBenchmark (the same workloads, implementations alternating in 1 s rounds) and the
# memory store's HeapCheck, and writes tables of throughput, CPU time per operation and ratios
# (each implementation against its baselines: memory against Map, file and JDBC-on-disk against
# JDBC on in-memory H2, memoized against file and memory) to stdout and to benchmarks/results/latest.md.
#
# Usage (from anywhere): benchmarks/run.sh
# Environment (defaults in brackets):
#   IMPLEMENTATIONS         comma-separated implementations [all], e.g. "memory,map" or
#                           "file-binary-tmpfs,jdbc-h2-memory"; `java -cp benchmarks/target/benchmarks.jar
#                           dev.sessionstarter.benchmarks.Implementation` lists them
#   CREATE_IMPLEMENTATIONS  the subset that JMH createAndSave runs [IMPLEMENTATIONS]
#   MODES                   which parts to run ["jmh interleaved heap commands"]; commands counts the
#                           Redis commands per request of the selected Redis implementations
#   JMH_ARGS                JMH settings ["-f 1 -wi 2 -w 1s -i 3 -r 2s"]
#   THREADS                 JMH thread counts ["1 2"]
#   ROUNDS                  how many times to run the JMH set, pooled [1]
#   INTERLEAVED_ARGS        rounds and milliseconds per round of the interleaved runner ["12 1000"]
#   HEAP_ARGS               HeapCheck arguments: maxMB shape factor ["32 all 10"]
#   DISK_DIR                where the on-disk implementations write [benchmarks/target]
# Raw JMH logs and JSON stay in benchmarks/results/*.tmp (git-ignored).
# Exits non-zero if the build, a benchmark or the heap check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
modes=${MODES:-"jmh interleaved heap commands"}
jmh_args=${JMH_ARGS:-"-f 1 -wi 2 -w 1s -i 3 -r 2s"}
threads=${THREADS:-"1 2"}
rounds=${ROUNDS:-1}
interleaved_args=${INTERLEAVED_ARGS:-"12 1000"}
heap_args=${HEAP_ARGS:-"32 all 10"}
disk_dir=$(mkdir -p "${DISK_DIR:-benchmarks/target}" && cd "${DISK_DIR:-benchmarks/target}" && pwd)
results=benchmarks/results
jar=benchmarks/target/benchmarks.jar

echo "Building $jar" >&2
./mvnw -B -q -pl benchmarks -am package -DskipTests
mkdir -p "$results"
rm -f "$results"/*.tmp
java -cp "$jar" dev.sessionstarter.benchmarks.Implementation > "$results/implementations.tsv.tmp"

# "memory,file-binary-tmpfs" -> "MEMORY,FILE_BINARY_TMPFS"; "all" -> every constant
constants() {
	if [ "$1" = "all" ]; then
		cut -f1 "$results/implementations.tsv.tmp" | paste -sd, -
	else
		echo "$1" | tr -d ' ' | tr 'a-z-' 'A-Z_'
	fi
}
implementations=$(constants "${IMPLEMENTATIONS:-all}")
create_implementations=$(constants "${CREATE_IMPLEMENTATIONS:-${IMPLEMENTATIONS:-all}}")
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
export LOAD_BEFORE
report_args=(--implementations "$results/implementations.tsv.tmp")

json_files=()
if [[ " $modes " == *" jmh "* ]]; then
	for r in $(seq "$rounds"); do
		for t in $threads; do
			for benchmark in requestCycle createAndSave; do
				set_=$implementations
				[ "$benchmark" = createAndSave ] && set_=$create_implementations
				name="jmh-r$r-t$t-$benchmark"
				echo "Round $r: $benchmark, $t thread(s), $set_, $jmh_args (log: $results/$name.log.tmp)" >&2
				# shellcheck disable=SC2086
				java -jar "$jar" "RequestCycleBenchmark\.$benchmark\$" $jmh_args -t "$t" -p implementation="$set_" \
					-jvmArgsAppend "-Dbenchmark.disk.dir=$disk_dir" \
					-rf json -rff "$results/$name.json.tmp" > "$results/$name.log.tmp"
				json_files+=("$results/$name.json.tmp")
			done
		done
	done
	report_args+=(--jmh-args "$jmh_args")
fi

if [[ " $modes " == *" interleaved "* ]]; then
	echo "InterleavedBenchmark $interleaved_args over $implementations (log: $results/interleaved.log.tmp)" >&2
	# shellcheck disable=SC2086
	java -Dbenchmark.disk.dir="$disk_dir" -cp "$jar" dev.sessionstarter.benchmarks.InterleavedBenchmark \
		$interleaved_args "$implementations" > "$results/interleaved.tsv.tmp" 2> "$results/interleaved.log.tmp"
	report_args+=(--interleaved "$results/interleaved.tsv.tmp" --interleaved-args "$interleaved_args")
fi

heap_status=0
if [[ " $modes " == *" heap "* ]]; then
	echo "Running HeapCheck $heap_args" >&2
	# shellcheck disable=SC2086
	java -Xmx1g -cp "$jar" dev.sessionstarter.benchmarks.HeapCheck $heap_args > "$results/heap.md.tmp" || heap_status=$?
	report_args+=(--heap "$results/heap.md.tmp")
fi

redis_implementations=$(echo "$implementations" | tr ',' '\n' | grep 'REDIS' | paste -sd, - || true)
if [[ " $modes " == *" commands "* ]] && [ -n "$redis_implementations" ]; then
	echo "RedisCommandCount over $redis_implementations (log: $results/commands.log.tmp)" >&2
	java -cp "$jar" dev.sessionstarter.benchmarks.RedisCommandCount "$redis_implementations" \
		> "$results/commands.md.tmp" 2> "$results/commands.log.tmp"
	report_args+=(--commands "$results/commands.md.tmp")
fi

python3 benchmarks/report.py "${report_args[@]}" "${json_files[@]}" > "$results/latest.md.tmp"
mv "$results/latest.md.tmp" "$results/latest.md"
cat "$results/latest.md"
if [ "$heap_status" -ne 0 ]; then
	echo "HeapCheck failed (status $heap_status)" >&2
fi
exit "$heap_status"
