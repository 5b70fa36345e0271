#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The Skein authors
# SPDX-License-Identifier: MIT
"""Pairs Skein's benchmarks with its peers' and prints how they compare.

Usage: scripts/bench_ratios.py build/bench/bench_*.json

Reads Google Benchmark JSON files (written with --benchmark_out) whose
benchmarks are named <Family>/<impl>[/...], impl being "skein" or a peer.
For each family it prints Skein's median, each peer's median and a ratio
that is > 1 when Skein is faster: peer/skein for times, skein/peer for
throughput (items per second). Lateness families (counters median_us and
p99_us) are printed with their goals instead. Exits 0 whether goals are met
or not: on a shared machine a missed goal is a finding, not a failure.
"""

import json
import sys
from collections import OrderedDict

SKEIN = "skein"

# (family, peer) -> least acceptable ratio (> 1 means Skein faster).
RATIO_GOALS = {
    ("BM_PingPong", "std"): 1.0,
    ("BM_PingPong", "qt"): 1.0,
    ("BM_SignalCreateGo", "promise"): 1.0,
    ("BM_Queue1P1C", "std"): 1.0,
    ("BM_Queue1P1C", "qt"): 1.0,
    # Queue against the textbook queues and against moodycamel's lock-free
    # BlockingConcurrentQueue: level at 1P/1C, >= 0.8x with more threads.
    ("BM_Queue1P1C", "moodycamel"): 1.0,
    ("BM_Queue2P2C", "std"): 1.0,
    ("BM_Queue2P2C", "qt"): 1.0,
    ("BM_Queue2P2C", "moodycamel"): 0.8,
    ("BM_Queue4P4C", "std"): 1.0,
    ("BM_Queue4P4C", "qt"): 1.0,
    ("BM_Queue4P4C", "moodycamel"): 0.8,
    ("BM_QueueString1P1C", "std"): 1.0,
    ("BM_QueueString1P1C", "qt"): 1.0,
    ("BM_QueueString1P1C", "moodycamel"): 1.0,
    ("BM_QueueString2P2C", "std"): 1.0,
    ("BM_QueueString2P2C", "qt"): 1.0,
    ("BM_QueueString2P2C", "moodycamel"): 0.8,
    ("BM_QueueString4P4C", "std"): 1.0,
    ("BM_QueueString4P4C", "qt"): 1.0,
    ("BM_QueueString4P4C", "moodycamel"): 0.8,
    # PriorityQueue against std::priority_queue under a mutex: "std" keeps no
    # order among equal items (no goal, for comparison); "stable" keeps it,
    # as PriorityQueue does.
    ("BM_PriorityQueue1P1C", "stable"): 1.0,
    ("BM_ThreadedQueue", "handwritten"): 1.0,
    ("BM_SemaphorePingPong", "std"): 1.0,
    ("BM_SemaphorePingPong", "textbook"): 1.0,
    ("BM_BarrierRound", "std"): 1.0,
    ("BM_TillSchedule", "qt"): 1.0,
    # Thread::run + join within 1.1x of std::thread: ratio std/skein >= 1/1.1.
    ("BM_ThreadCreateJoin", "std"): 1 / 1.1,
    # Shutdown within 1.5x of the floor, and faster than Boost.
    ("BM_Shutdown1000", "std"): 1 / 1.5,
    ("BM_Shutdown1000", "boost"): 1.0,
    # go() on a worker -> slot in the GUI thread within 1.2x of invokeMethod.
    ("BM_QueuedCallLatency", "qt"): 1 / 1.2,
    # Progress in a tight loop: cheaper than QPromise::setProgressValue.
    ("BM_SetProgress", "promise"): 1.0,
    ("BM_SetProgressHandle", "promise"): 1.0,
    ("BM_SetProgressWatched", "promise"): 1.0,
    # qInfo's caller-side cost with the async handler <= 0.3x the default's.
    ("BM_QtMessage", "qt"): 1 / 0.3,
    # Command >= 3x faster than a Process per command.
    ("BM_RunTrue", "process"): 3.0,
    ("BM_RunTrueShared", "process"): 3.0,
    # runInPool + join within 1.2x of QtConcurrent::run + waitForFinished,
    # and >= 5x faster than Thread::run + join (a new OS thread each time).
    # "pool" (QThreadPool::start + a QSemaphore, no future) and "qt_named"
    # (QtConcurrent with its job naming the OS thread) are for comparison.
    ("BM_PoolRunJoin", "qt"): 1 / 1.2,
    ("BM_PoolRunJoin", "thread"): 5.0,
    # toFuture(runInPool) -> QFutureWatcher slot within 1.2x of QtConcurrent::run.
    ("BM_FutureWatcher", "qt"): 1 / 1.2,
}

# Goals for every family whose name starts with a prefix, each counted and
# summed up after the table: (prefix, peer) -> least acceptable ratio.
PREFIX_GOALS = {
    # bench_queue_placements: every placement x size x bound.
    ("BM_Queue@", "std"): 1.0,
    ("BM_Queue@", "qt"): 1.0,
}


def goal_of(family, peer):
    goal = RATIO_GOALS.get((family, peer))
    if goal is not None:
        return goal
    for (prefix, p), g in PREFIX_GOALS.items():
        if p == peer and family.startswith(prefix):
            return g
    return None


# family -> {counter: upper bound, in the counter's unit}, for Skein only.
COUNTER_GOALS = {
    "BM_TillLateness": OrderedDict([("median_us", 1000.0), ("p99_us", 5000.0)]),
}
LATENESS_COUNTERS = ["median_us", "p99_us", "max_us"]

# The order of the table (runs with random interleaving come in any order).
FAMILY_ORDER = ["BM_PingPong", "BM_SignalCreateGo", "BM_Queue1P1C", "BM_Queue2P2C", "BM_Queue4P4C",
                "BM_QueueString1P1C", "BM_QueueString2P2C", "BM_QueueString4P4C", "BM_QueueRoundTrip",
                "BM_PriorityQueue1P1C", "BM_ThreadedQueue", "BM_SemaphorePingPong", "BM_BarrierRound",
                "BM_TillSchedule", "BM_TillLateness", "BM_ThreadCreateJoin", "BM_Shutdown1000",
                "BM_QueuedCallLatency", "BM_SetProgress", "BM_SetProgressHandle", "BM_SetProgressWatched",
                "BM_QtMessage", "BM_RunTrue", "BM_RunTrueShared", "BM_PoolRunJoin", "BM_FutureWatcher"]
IMPL_ORDER = [SKEIN, "std", "textbook", "stable", "handwritten", "jthread", "promise", "qt", "boost", "moodycamel", "process",
              "qprocess", "pool", "thread"]


def order(known, name):
    return (known.index(name), "") if name in known else (len(known), name)

NANOS_PER_UNIT = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(paths):
    """Returns {family: {impl: result}}, in the order first seen.

    A result is the "median" aggregate of a benchmark when it has one; a
    benchmark run only once (no aggregates) is taken as it is, marked runs=1.
    """
    medians = OrderedDict()
    cvs = {}
    singles = OrderedDict()
    repetitions = set()
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            run_name = b.get("run_name", b["name"])
            parts = run_name.split("/")
            if len(parts) < 2:
                continue
            key = (parts[0], parts[1])
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    medians[key] = b
                    repetitions.add(b.get("repetitions", 0))
                elif b.get("aggregate_name") == "cv":
                    cvs[key] = b
            else:
                singles.setdefault(key, []).append(b)

    families = OrderedDict()
    keys = list(medians) + [k for k in singles if k not in medians]
    keys.sort(key=lambda k: (order(FAMILY_ORDER, k[0]), order(IMPL_ORDER, k[1])))
    for key in keys:
        family, impl = key
        if key in medians:
            result = dict(medians[key], runs=medians[key].get("repetitions", 0))
            if key in cvs:
                # The coefficient of variation of the metric the table shows.
                cv = cvs[key]
                result["cv"] = cv["items_per_second"] if "items_per_second" in cv else cv["real_time"]
        else:
            runs = singles[key]
            result = dict(runs[-1], runs=len(runs))
        families.setdefault(family, OrderedDict())[impl] = result
    return families, repetitions


def nanos(b):
    return b["real_time"] * NANOS_PER_UNIT[b.get("time_unit", "ns")]


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return "%.3g %s" % (ns / scale, unit)
    return "%.3g ns" % ns


def fmt_rate(per_second):
    for unit, scale in (("G/s", 1e9), ("M/s", 1e6), ("k/s", 1e3)):
        if per_second >= scale:
            return "%.3g %s" % (per_second / scale, unit)
    return "%.3g /s" % per_second


def describe(b):
    """(value, text, metric, higher_is_better) of one result."""
    if "items_per_second" in b:
        v = b["items_per_second"]
        return v, fmt_rate(v), "items/s", True
    v = nanos(b)
    return v, fmt_time(v), "time", False


def fmt_cv(b):
    return "%.0f%%" % (100 * b["cv"]) if "cv" in b else "-"


def mark(ok):
    return "met" if ok else "MISSED"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    families, repetitions = load(paths)
    reps = ", ".join(str(r) for r in sorted(repetitions)) or "?"

    print("Skein against its peers: ratios of medians over %s repetitions, on a shared 2-core machine." % reps)
    print("A ratio > 1.00 means Skein is faster (peer/skein for times, skein/peer for items/s).")
    print("Repetitions are randomly interleaved; cv is each side's coefficient of variation over them:")
    print("when it is large, other load on the machine moved the figures more than the code did.")
    print()
    width = max([18] + [len(f) for f in families])
    header = "%-*s %-8s %-11s %-11s %-11s %6s  %-6s %-7s %s" % (
        width, "family", "metric", "skein", "peer", "peer value", "ratio", "goal", "", "cv skein/peer")
    print(header)
    print("-" * len(header))
    missed = 0
    by_prefix = OrderedDict()  # (prefix, peer) -> [(ratio, family)]
    for family, impls in families.items():
        if family in COUNTER_GOALS or SKEIN not in impls:
            continue
        skein = impls[SKEIN]
        first = True
        for peer, b in impls.items():
            if peer == SKEIN:
                continue
            if skein.get("error_occurred") or b.get("error_occurred"):
                print("%-*s %-8s %s" % (width, family if first else "", "", "ERROR: " +
                                         (skein.get("error_message") or b.get("error_message") or "")))
                first = False
                continue
            sv, stext, metric, higher = describe(skein)
            pv, ptext, _, _ = describe(b)
            ratio = sv / pv if higher else pv / sv
            goal = goal_of(family, peer)
            verdict = ""
            goal_text = ""
            if goal is not None:
                goal_text = ">= %.2f" % goal
                verdict = mark(ratio >= goal)
                missed += ratio < goal
            for prefix, p in PREFIX_GOALS:
                if p == peer and family.startswith(prefix):
                    by_prefix.setdefault((prefix, peer), []).append((ratio, family))
            print("%-*s %-8s %-11s %-11s %-11s %6.2f  %-6s %-7s %s/%s" % (
                width, family if first else "", metric if first else "", stext if first else "",
                peer, ptext, ratio, goal_text, verdict, fmt_cv(skein), fmt_cv(b)))
            first = False

    for (prefix, peer), ratios in by_prefix.items():
        goal = PREFIX_GOALS[(prefix, peer)]
        worst, worst_family = min(ratios)
        print()
        print("%s* against %s: %d of %d met (>= %.2f); worst %.2f (%s), median %.2f" % (
            prefix, peer, sum(r >= goal for r, _ in ratios), len(ratios), goal, worst, worst_family,
            sorted(r for r, _ in ratios)[len(ratios) // 2]))

    for family, goals in COUNTER_GOALS.items():
        impls = families.get(family)
        if not impls:
            continue
        print()
        print("%s: how late callbacks run after their deadline (median over runs of each run's figure)" % family)
        header = "%-10s %-6s %12s %12s %12s   %s" % ("impl", "runs", "median", "p99", "max", "goals (Skein)")
        print(header)
        print("-" * len(header))
        for impl, b in impls.items():
            if b.get("error_occurred"):
                print("%-10s ERROR: %s" % (impl, b.get("error_message", "")))
                continue
            values = ["%12s" % (fmt_time(b[c] * 1e3) if c in b else "-") for c in LATENESS_COUNTERS]
            verdicts = []
            if impl == SKEIN:
                for counter, bound in goals.items():
                    ok = counter in b and b[counter] < bound
                    missed += not ok
                    verdicts.append("%s < %s %s" % (counter.replace("_us", ""), fmt_time(bound * 1e3), mark(ok)))
            if impl != SKEIN:
                verdicts.append("(no goal: for comparison)")
            print("%-10s %-6s %s   %s" % (impl, b.get("runs", "?"), " ".join(values), ", ".join(verdicts)))

    print()
    print("Goals missed: %d" % missed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
