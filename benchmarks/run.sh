#!/usr/bin/env bash
# Builds the benchmarks jar, runs the JMH request-cycle benchmarks with 1 and 2 threads and the
# heap check, and writes a table of throughputs and ratios (ours / MapSessionRepository) to
# stdout and to benchmarks/results/latest.md.
#
# Usage (from anywhere): benchmarks/run.sh
# Environment: JMH_ARGS    JMH settings (default: -f 1 -wi 3 -w 2s -i 5 -r 2s)
#              THREADS     thread counts to run (default: "1 2")
#              ROUNDS      how many times to run the JMH set (default: 2; the rounds are pooled,
#                          because the cores are shared and one round is noisy)
#              HEAP_ARGS   HeapCheck arguments: maxMB shape factor (default: "32 all 10")
# Raw JMH logs and JSON stay in benchmarks/results/*.tmp (git-ignored).
# Exits non-zero if the build, a benchmark or the heap check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jmh_args=${JMH_ARGS:-"-f 1 -wi 3 -w 2s -i 5 -r 2s"}
threads=${THREADS:-"1 2"}
rounds=${ROUNDS:-2}
heap_args=${HEAP_ARGS:-"32 all 10"}
results=benchmarks/results
jar=benchmarks/target/benchmarks.jar

echo "Building $jar" >&2
./mvnw -B -q -pl benchmarks -am package -DskipTests
mkdir -p "$results"
rm -f "$results"/jmh-*.json.tmp "$results"/jmh-*.log.tmp
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
export LOAD_BEFORE

json_files=()
for r in $(seq "$rounds"); do
	for t in $threads; do
		name="jmh-r$r-t$t"
		echo "Round $r: RequestCycleBenchmark with $t thread(s), $jmh_args (log: $results/$name.log.tmp)" >&2
		# shellcheck disable=SC2086
		java -jar "$jar" RequestCycleBenchmark $jmh_args -t "$t" \
			-rf json -rff "$results/$name.json.tmp" > "$results/$name.log.tmp"
		json_files+=("$results/$name.json.tmp")
	done
done

echo "Running HeapCheck $heap_args" >&2
heap_status=0
# shellcheck disable=SC2086
java -Xmx1g -cp "$jar" dev.sessionstarter.benchmarks.HeapCheck $heap_args > "$results/heap.md.tmp" || heap_status=$?

python3 benchmarks/report.py --jmh-args "$jmh_args" --heap "$results/heap.md.tmp" "${json_files[@]}" \
	> "$results/latest.md.tmp"
mv "$results/latest.md.tmp" "$results/latest.md"
cat "$results/latest.md"
if [ "$heap_status" -ne 0 ]; then
	echo "HeapCheck failed (status $heap_status)" >&2
fi
exit "$heap_status"
