#!/usr/bin/env python3
"""Turns JMH JSON results of RequestCycleBenchmark (and a HeapCheck table) into benchmarks/results/latest.md.

Usage: report.py [--jmh-args ARGS] [--heap HEAP_TABLE.md] JMH_RESULT.json...
Several result files for the same thread count (rounds of run.sh) are pooled. Writes Markdown to
stdout: per benchmark and thread count, the median and range of the measured iterations' ops/s of
each implementation, the CPU nanoseconds per operation of the benchmark threads (from the
cpuNanos / operations counters), and the ratios ours (MEMORY) / Spring Session's
MapSessionRepository (MAP) by both measures.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess

IMPLEMENTATIONS = ("MEMORY", "MAP")
NAMES = {"MEMORY": "memory (ours)", "MAP": "Map"}


def java_version():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
        return out.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def raw(metric):
    return [value for fork in metric["rawData"] for value in fork]


def load(paths):
    cells = {}  # (benchmark, threads) -> implementation -> {"ops": [...], "cpu": n, "count": n, "rounds": n}
    for path in paths:
        with open(path) as f:
            for run in json.load(f):
                key = (run["benchmark"].rsplit(".", 1)[-1], run["threads"])
                cell = cells.setdefault(key, {}).setdefault(run["params"]["implementation"],
                                                            {"ops": [], "cpu": 0, "count": 0, "rounds": 0})
                cell["ops"].extend(raw(run["primaryMetric"]))
                secondary = run.get("secondaryMetrics", {})
                if "cpuNanos" in secondary and "operations" in secondary:
                    cell["cpu"] += sum(raw(secondary["cpuNanos"]))
                    cell["count"] += sum(raw(secondary["operations"]))
                cell["rounds"] += 1
    return cells


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jmh-args", default="")
    parser.add_argument("--heap")
    parser.add_argument("results", nargs="+")
    args = parser.parse_args()
    cells = load(args.results)
    rounds = max((c["rounds"] for row in cells.values() for c in row.values()), default=0)

    out = ["# Benchmark results", ""]
    out.append("Run by `benchmarks/run.sh` on %s UTC: %s, %d cores (%s), load average before the run %s, JMH `%s`, "
               "%d round(s) pooled."
               % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), java_version(),
                  os.cpu_count() or 0, platform.machine(), os.environ.get("LOAD_BEFORE", "n/a"), args.jmh_args,
                  rounds))
    out.append("")
    out.append("## Request cycle and session creation (`RequestCycleBenchmark`, 10,000 sessions)")
    out.append("")
    out.append("| benchmark | threads | %s ops/s | %s ops/s | ours / Map ops/s | %s CPU ns/op | %s CPU ns/op "
               "| ours / Map per CPU |" % (NAMES["MEMORY"], NAMES["MAP"], NAMES["MEMORY"], NAMES["MAP"]))
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in sorted(cells, key=lambda k: (k[0] != "requestCycle", k[0], k[1])):
        row = cells[key]
        medians, cpu, ops_cells, cpu_cells = {}, {}, [], []
        for implementation in IMPLEMENTATIONS:
            cell = row.get(implementation)
            if cell is None or not cell["ops"]:
                ops_cells.append("n/a")
                cpu_cells.append("n/a")
                continue
            medians[implementation] = statistics.median(cell["ops"])
            ops_cells.append("%s (%s–%s)" % (format(round(medians[implementation]), ","),
                                              format(round(min(cell["ops"])), ","),
                                              format(round(max(cell["ops"])), ",")))
            if cell["count"]:
                cpu[implementation] = cell["cpu"] / cell["count"]
                cpu_cells.append(format(round(cpu[implementation]), ","))
            else:
                cpu_cells.append("n/a")
        ratio = "%.2fx" % (medians["MEMORY"] / medians["MAP"]) if len(medians) == 2 else "n/a"
        cpu_ratio = "%.2fx" % (cpu["MAP"] / cpu["MEMORY"]) if len(cpu) == 2 else "n/a"
        out.append("| %s | %d | %s | %s | %s | %s | %s | %s |"
                   % (key[0], key[1], ops_cells[0], ops_cells[1], ratio, cpu_cells[0], cpu_cells[1], cpu_ratio))
    out.append("")
    out.append("ops/s: median (min–max) of the measured iterations of all rounds. CPU ns/op: CPU time of the "
               "benchmark threads divided by the operations they ran (GC and JIT threads not included); it hardly "
               "moves when other processes share the cores, while ops/s does. Target: ours >= 0.5x Map.")
    out.append("")
    out.append("`requestCycle`: findById of a random existing session, setLastAccessedTime, read the counter, "
               "write it incremented, save. `createAndSave`: createSession, set five attributes, save, and "
               "delete the session the same thread created 1,024 operations earlier.")
    if args.heap:
        out.append("")
        out.append("## Heap retained by the memory store (`HeapCheck`)")
        out.append("")
        with open(args.heap) as f:
            out.extend(line.rstrip("\n") for line in f if line.strip())
        out.append("")
        out.append("Retained heap: used heap after full GCs with the filled store reachable, minus the same before "
                   "it was created. The store holds between 0.75 (reduce-to) and 1.0 of its bound by its own count, "
                   "so retained / bound moves over that cycle from 0.75 x to 1.0 x retained / counted. "
                   "Requirement, over the whole cycle: 0.5 <= retained / bound <= 1.15.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
