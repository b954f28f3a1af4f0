#!/usr/bin/env python3
"""Paired A/B of rnnc alone on scaling shapes: the same benchmarks jar, two sets of JVM options, run
alternately (A, B, A, B, ...) in fresh JVMs per shape, CPU-time clock. Prints samples per CPU-second for
each side, and B / A as the median of the per-round ratios (with the range). For a kernel change that has a
switch (e.g. -Drnnc.gemm.kblock=0 restores the unblocked products), this measures before/after in one run;
otherwise give side A the jar of a build from before the change (--a-classpath).

    /usr/bin/python3 bench/scaling_ab.py --a=-Drnnc.gemm.kblock=0 --b= \\
        --shapes lstm:512:64,gru:512:64,lstm:128:64,rnn:100:64,rnn:100:256 --rounds 2
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(shape, opts, args, classpath):
    cell, hidden, batch = shape.split(":")
    cmd = [args.java, "--add-modules", "jdk.incubator.vector", *[o for o in opts.split() if o],
           "-cp", classpath, "io.rnnc.benchmarks.ScalingRun", "--cell", cell, "--hidden", hidden,
           "--steps", str(args.steps), "--batch", batch, "--clock", "cpu", "--tasks", args.task,
           "--warmup-seconds", str(args.warmup_seconds), "--window-seconds", str(args.window_seconds),
           "--windows", str(args.windows)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)["rows"][0]
            return row["samples_per_s"], row["spread_pct"]
    sys.exit("no result from " + " ".join(cmd) + "\n" + out.stderr[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default="", help="JVM options of side A (before)")
    ap.add_argument("--b", default="", help="JVM options of side B (after)")
    ap.add_argument("--shapes", default="lstm:512:64,lstm:128:64", help="cell:hidden:batch,...")
    ap.add_argument("--steps", type=int, default=28)
    ap.add_argument("--task", default="train")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--warmup-seconds", type=float, default=5)
    ap.add_argument("--window-seconds", type=float, default=1)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--java", default="java")
    ap.add_argument("--classpath", default=os.path.join(ROOT, "benchmarks/target/benchmarks.jar"),
                    help="the benchmarks jar of both sides")
    ap.add_argument("--a-classpath", help="side A's jar, if it differs (a build from before the change)")
    args = ap.parse_args()
    a_cp = args.a_classpath or args.classpath
    print(f"A: [{args.a}] {a_cp}  B: [{args.b}] {args.classpath}  load: {os.getloadavg()[0]:.1f}", flush=True)
    print("| cell | H | batch | task | A samples/CPU-s | B samples/CPU-s | B / A (range) |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for shape in args.shapes.split(","):
        a_runs, b_runs = [], []
        for r in range(args.rounds):
            # alternate which side goes first, so a drift in load does not favour one
            if r % 2 == 0:
                a_runs.append(run(shape, args.a, args, a_cp))
                b_runs.append(run(shape, args.b, args, args.classpath))
            else:
                b_runs.append(run(shape, args.b, args, args.classpath))
                a_runs.append(run(shape, args.a, args, a_cp))
        ratios = sorted(b[0] / a[0] for a, b in zip(a_runs, b_runs))
        cell, hidden, batch = shape.split(":")
        a_med = statistics.median(x[0] for x in a_runs)
        b_med = statistics.median(x[0] for x in b_runs)
        print(f"| {cell} | {hidden} | {batch} | {args.task} | {a_med:,.1f} | {b_med:,.1f} | "
              f"{statistics.median(ratios):.2f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}) |", flush=True)
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
