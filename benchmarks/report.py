#!/usr/bin/env python3
"""Turns JMH JSON results of RequestCycleBenchmark (and a HeapCheck table) into benchmarks/results/latest.md.

Usage: report.py [--jmh-args ARGS] [--heap HEAP_TABLE.md] JMH_RESULT.json...
Writes Markdown to stdout: ops/s of each implementation per benchmark and thread count, and
the ratio ours (MEMORY) / Spring Session's MapSessionRepository (MAP).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess

NAMES = {"MEMORY": "memory (ours)", "MAP": "MapSessionRepository"}


def java_version():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
        return out.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jmh-args", default="")
    parser.add_argument("--heap")
    parser.add_argument("results", nargs="+")
    args = parser.parse_args()

    scores = {}  # (benchmark, threads) -> {implementation: (score, error)}
    for path in args.results:
        with open(path) as f:
            for run in json.load(f):
                benchmark = run["benchmark"].rsplit(".", 1)[-1]
                implementation = run["params"]["implementation"]
                metric = run["primaryMetric"]
                error = metric["scoreError"]
                error = error if isinstance(error, (int, float)) and error == error else 0.0
                scores.setdefault((benchmark, run["threads"]), {})[implementation] = (metric["score"], error)

    lines = []
    lines.append("# Benchmark results")
    lines.append("")
    lines.append("Run by `benchmarks/run.sh` on %s UTC: %s, %d cores (%s), JMH `%s`."
                 % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), java_version(),
                    os.cpu_count() or 0, platform.machine(), args.jmh_args))
    lines.append("Throughput in operations per second (higher is better), ± the 99.9% confidence half-width JMH reports.")
    lines.append("")
    lines.append("## Request cycle and session creation (`RequestCycleBenchmark`, 10,000 sessions)")
    lines.append("")
    lines.append("| benchmark | threads | %s ops/s | %s ops/s | ours / Map |" % (NAMES["MEMORY"], NAMES["MAP"]))
    lines.append("|---|---:|---:|---:|---:|")
    for (benchmark, threads) in sorted(scores, key=lambda k: (k[0] != "requestCycle", k[0], k[1])):
        row = scores[(benchmark, threads)]
        cells = []
        for implementation in ("MEMORY", "MAP"):
            score, error = row.get(implementation, (None, None))
            cells.append("%s ± %s" % (format(round(score), ","), format(round(error), ","))
                         if score is not None else "n/a")
        ratio = (row["MEMORY"][0] / row["MAP"][0]) if "MEMORY" in row and "MAP" in row else None
        lines.append("| %s | %d | %s | %s | %s |" % (benchmark, threads, cells[0], cells[1],
                                                      "%.2fx" % ratio if ratio is not None else "n/a"))
    lines.append("")
    lines.append("`requestCycle`: findById of a random existing session, setLastAccessedTime, read the counter, "
                 "write it incremented, save. `createAndSave`: createSession, set five attributes, save, and "
                 "delete the session the same thread created 1,024 operations earlier. Target: ours >= 0.5x Map.")
    if args.heap:
        lines.append("")
        lines.append("## Heap retained by the memory store (`HeapCheck`)")
        lines.append("")
        with open(args.heap) as f:
            lines.extend(line.rstrip("\n") for line in f if line.strip())
        lines.append("")
        lines.append("Retained heap: used heap after full GCs with the filled store reachable, minus the same before "
                     "it was created. Requirement: 0.5 <= retained / bound <= 1.15.")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
