#!/usr/bin/env python3
"""Turns the results of benchmarks/run.sh into benchmarks/results/latest.md (Markdown on stdout).

Usage: report.py --implementations IMPLEMENTATIONS.tsv [--jmh-args ARGS] [--interleaved ROUNDS.tsv]
                 [--interleaved-args ARGS] [--heap HEAP_TABLE.md] [--commands COMMANDS_TABLE.md]
                 [JMH_RESULT.json...]

IMPLEMENTATIONS.tsv is what `java -cp benchmarks.jar dev.sessionstarter.benchmarks.Implementation`
prints (name, label, baselines: comma-separated, `-` for none). JMH result files of RequestCycleBenchmark for the same benchmark and
thread count (rounds of run.sh) are pooled: per cell the median and range of the measured iterations'
ops/s and the CPU nanoseconds per operation of the benchmark threads (cpuNanos / operations). The
interleaved file holds one line per implementation and counted round (workload, implementation,
round, ops/s, CPU ns/op); its ratios are medians of per-round ratios (an implementation against each
of its baselines measured in the same round). Every ratio is implementation / baseline by ops/s, and
baseline CPU ns / implementation CPU ns per CPU: above 1 means faster than the baseline. An
implementation with several baselines gets one ratio per baseline.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess

WORKLOADS = ("requestCycle", "createAndSave")


def java_version():
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True, check=True).stderr
        return out.splitlines()[0].strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def short(name):
    return name.lower().replace("_", "-")


def raw(metric):
    return [value for fork in metric["rawData"] for value in fork]


def load_implementations(path):
    implementations = {}  # name -> (label, [baseline, ...], empty for a baseline itself), in enum order
    with open(path) as f:
        for line in f:
            if line.strip():
                name, label, baselines = line.rstrip("\n").split("\t")
                implementations[name] = (label, [] if baselines == "-" else baselines.split(","))
    return implementations


def load_jmh(paths):
    cells = {}  # (workload, threads) -> implementation -> {"ops": [...], "cpu": n, "count": n, "rounds": n}
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


def load_interleaved(path):
    rounds = {}  # workload -> implementation -> {round: (ops, cpu)}
    with open(path) as f:
        for line in f:
            if line.strip():
                workload, implementation, number, ops, cpu = line.split("\t")
                rounds.setdefault(workload, {}).setdefault(implementation, {})[int(number)] = (float(ops), float(cpu))
    return rounds


def number(value):
    return format(round(value), ",")


def ratio(value):
    return "%.2fx" % value


def ratios_cell(pairs):
    """One table cell of ratios from (baseline, ratio or None) pairs: the bare ratio for one baseline,
    each measured ratio followed by its baseline for several, "–" when none was measured."""
    if len(pairs) == 1:
        return ratio(pairs[0][1]) if pairs[0][1] else "–"
    measured = ["%s %s" % (ratio(value), short(baseline)) for baseline, value in pairs if value]
    return ", ".join(measured) if measured else "–"


def jmh_figures(cells, workload, threads, name):
    """Median ops/s, (min, max), CPU ns/op or None; None if not measured."""
    cell = cells.get((workload, threads), {}).get(name)
    if cell is None or not cell["ops"]:
        return None
    cpu = cell["cpu"] / cell["count"] if cell["count"] else None
    return statistics.median(cell["ops"]), (min(cell["ops"]), max(cell["ops"])), cpu


def jmh_ratios(cells, workload, threads, name, baseline):
    figures, base = jmh_figures(cells, workload, threads, name), jmh_figures(cells, workload, threads, baseline)
    if figures is None or base is None:
        return None, None
    per_cpu = base[2] / figures[2] if figures[2] and base[2] else None
    return figures[0] / base[0], per_cpu


def interleaved_figures(rounds, workload, name):
    measured = rounds.get(workload, {}).get(name)
    if not measured:
        return None
    ops = [figures[0] for figures in measured.values()]
    return statistics.median(ops), (min(ops), max(ops)), statistics.median(f[1] for f in measured.values())


def interleaved_ratios(rounds, workload, name, baseline):
    measured, base = rounds.get(workload, {}).get(name), rounds.get(workload, {}).get(baseline)
    if not measured or not base:
        return None, None
    paired = [r for r in measured if r in base]
    return (statistics.median(measured[r][0] / base[r][0] for r in paired),
            statistics.median(base[r][1] / measured[r][1] for r in paired))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--implementations", required=True)
    parser.add_argument("--jmh-args", default="")
    parser.add_argument("--interleaved")
    parser.add_argument("--interleaved-args", default="")
    parser.add_argument("--heap")
    parser.add_argument("--commands")
    parser.add_argument("results", nargs="*")
    args = parser.parse_args()
    implementations = load_implementations(args.implementations)
    cells = load_jmh(args.results)
    rounds = load_interleaved(args.interleaved) if args.interleaved else {}
    jmh_rounds = max((c["rounds"] for row in cells.values() for c in row.values()), default=0)
    thread_counts = sorted({threads for (_, threads) in cells})
    measured = [name for name in implementations
                if any(name in row for row in cells.values()) or any(name in row for row in rounds.values())]

    out = ["# Benchmark results", ""]
    out.append("Run by `benchmarks/run.sh` on %s UTC: %s, %d cores (%s), load average before the run %s."
               % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), java_version(),
                  os.cpu_count() or 0, platform.machine(), os.environ.get("LOAD_BEFORE", "n/a")))
    if cells:
        out.append("JMH `%s`, %d round(s) pooled." % (args.jmh_args, jmh_rounds))
    if rounds:
        out.append("Interleaved runner `%s` (rounds, milliseconds per round; the first 3 rounds not counted)."
                   % args.interleaved_args)
    out.append("")
    out.append("| implementation | what | ratios against |")
    out.append("|---|---|---|")
    for name in measured:
        label, baselines = implementations[name]
        out.append("| `%s` | %s | %s |" % (short(name), label, ", ".join("`%s`" % short(b) for b in baselines)
                                           if baselines else "(baseline)"))
    out.append("")

    out.append("## Ratios to the baseline (ops/s; above 1 is faster)")
    out.append("")
    out.append("Targets the issues set: memory store at least 0.5x Map; memoized validate over file: at least 3x "
               "file; memoized exclusive: at least 2/3 of memory.")
    out.append("")
    columns = [(workload, "JMH %dt" % t, ("jmh", t)) for workload in WORKLOADS for t in thread_counts]
    if rounds:
        columns += [(workload, "interleaved", ("interleaved", None)) for workload in WORKLOADS]
    columns.sort(key=lambda c: WORKLOADS.index(c[0]))
    out.append("| implementation | baseline | %s |" % " | ".join("%s %s" % (c[0], c[1]) for c in columns))
    out.append("|---|---|%s" % ("---:|" * len(columns)))
    for name in measured:
        for baseline in implementations[name][1]:
            values = []
            for workload, _, (mode, threads) in columns:
                if mode == "jmh":
                    by_ops, by_cpu = jmh_ratios(cells, workload, threads, name, baseline)
                else:
                    by_ops, by_cpu = interleaved_ratios(rounds, workload, name, baseline)
                values.append("n/a" if by_ops is None else
                              "%s (CPU %s)" % (ratio(by_ops), ratio(by_cpu) if by_cpu else "n/a"))
            out.append("| `%s` | `%s` | %s |" % (short(name), short(baseline), " | ".join(values)))
    out.append("")
    out.append("Each cell: ops/s ratio, and in brackets the ratio by CPU time per operation of the benchmark "
               "thread(s) (baseline CPU ns / implementation CPU ns), which hardly moves when other processes "
               "share the cores while ops/s does. An implementation with several baselines has one row per "
               "baseline.")

    for workload in WORKLOADS:
        if not any(key[0] == workload for key in cells) and workload not in rounds:
            continue
        out.append("")
        out.append("## `%s`" % workload)
        out.append("")
        out.append("| implementation | mode | ops/s median (min–max) | CPU ns/op | ratio to baseline | "
                   "ratio per CPU |")
        out.append("|---|---|---:|---:|---:|---:|")
        for name in measured:
            baselines = implementations[name][1]
            rows = [("JMH %dt" % t, jmh_figures(cells, workload, t, name),
                     [(b, jmh_ratios(cells, workload, t, name, b)) for b in baselines])
                    for t in thread_counts]
            if rounds:
                rows.append(("interleaved", interleaved_figures(rounds, workload, name),
                             [(b, interleaved_ratios(rounds, workload, name, b)) for b in baselines]))
            for mode, figures, by_baseline in rows:
                if figures is None:
                    continue
                median, (low, high), cpu = figures
                by_ops = ratios_cell([(b, r[0]) for b, r in by_baseline]) if by_baseline else "–"
                by_cpu = ratios_cell([(b, r[1]) for b, r in by_baseline]) if by_baseline else "–"
                out.append("| `%s` | %s | %s (%s–%s) | %s | %s | %s |"
                           % (short(name), mode, number(median), number(low), number(high),
                              number(cpu) if cpu else "n/a", by_ops, by_cpu))
    out.append("")
    out.append("`requestCycle`: findById of a random one of 10,000 medium sessions, setLastAccessedTime, read the "
               "counter, write it incremented, save. `createAndSave`: createSession, set five attributes, save, "
               "and delete the session the same thread created 1,024 operations earlier. JMH: one trial per "
               "implementation in a fresh JVM, ops/s median (min–max) of the measured iterations of all rounds. "
               "Interleaved: all implementations in one JVM, one round each in turn, median (min–max) of the "
               "counted rounds; its ratios are medians of the per-round ratios.")
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
    if args.commands:
        out.append("")
        out.append("## Redis commands per request cycle (`RedisCommandCount`)")
        out.append("")
        with open(args.commands) as f:
            out.extend(line.rstrip("\n") for line in f if line.startswith("|"))
        out.append("")
        out.append("Counted with `MONITOR` over 1,000 request cycles after 200 unmeasured ones: the commands each "
                   "client sent (round trips, as nothing is pipelined across them) and those scripts ran inside "
                   "Redis (no round trip). Target: at most 2 sent per request.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
