#!/usr/bin/env python3
"""GemmCeiling's products, one fresh JVM per measurement, CPU time of the calling thread; with --a-classpath, a
paired A/B of two builds of the kernels (A, B alternated per round, the side going first swapped each round).
Prints GFLOP/s (median of the rounds) per product and cell, and B / A as the median of the per-round ratios.

    mvn -B -o -q -pl benchmarks -am package -DskipTests
    /usr/bin/python3 benchmarks/gemm-ceiling-ab.py --cells lstm --products rec,proj0,bwdrec,dwhh --rounds 3
    # before/after: side A's runtime first on the class path, then a directory holding GemmCeiling's classes
    /usr/bin/python3 benchmarks/gemm-ceiling-ab.py --a-classpath /tmp/base.jar:/tmp/ceil --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(java, classpath, opts, product, cell, args):
    cmd = [java, "--add-modules", "jdk.incubator.vector", *[o for o in opts.split() if o], "-cp", classpath,
           "io.rnnc.benchmarks.GemmCeiling", "--product", product, "--cell", cell,
           "--warmup-seconds", str(args.warmup_seconds), "--window-seconds", str(args.window_seconds),
           "--windows", str(args.windows)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)["gflops"]
    sys.exit("no result from " + " ".join(cmd) + "\n" + out.stderr[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--products", default="rec,proj0,proj1,bwdrec,dwih0,dwih1,dwhh,dx")
    ap.add_argument("--cells", default="rnn,lstm,gru")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup-seconds", type=float, default=2)
    ap.add_argument("--window-seconds", type=float, default=0.3)
    ap.add_argument("--windows", type=int, default=7)
    ap.add_argument("--java", default="java")
    ap.add_argument("--classpath", default=os.path.join(ROOT, "benchmarks/target/benchmarks.jar"))
    ap.add_argument("--a-classpath", help="side A's class path (omit for B alone)")
    ap.add_argument("--a", default="", help="JVM options of side A")
    ap.add_argument("--b", default="", help="JVM options of side B")
    args = ap.parse_args()
    ab = args.a_classpath is not None
    print(f"A: [{args.a}] {args.a_classpath}  B: [{args.b}] {args.classpath}  load: {os.getloadavg()[0]:.1f}", flush=True)
    if ab:
        print("| cell | product | A GFLOP/s | B GFLOP/s | B / A (range) |\n|---|---|---:|---:|---:|", flush=True)
    else:
        print("| cell | product | GFLOP/s (range) |\n|---|---|---:|", flush=True)
    for cell in args.cells.split(","):
        for product in args.products.split(","):
            a_runs, b_runs = [], []
            for r in range(args.rounds):
                sides = ["b"] if not ab else (["a", "b"] if r % 2 == 0 else ["b", "a"])
                for side in sides:
                    if side == "a":
                        a_runs.append(run(args.java, args.a_classpath, args.a, product, cell, args))
                    else:
                        b_runs.append(run(args.java, args.classpath, args.b, product, cell, args))
            b_med = statistics.median(b_runs)
            if ab:
                ratios = sorted(b / a for a, b in zip(a_runs, b_runs))
                print(f"| {cell} | {product} | {statistics.median(a_runs):.1f} | {b_med:.1f} | "
                      f"{statistics.median(ratios):.3f}× ({ratios[0]:.2f}–{ratios[-1]:.2f}) |", flush=True)
            else:
                print(f"| {cell} | {product} | {b_med:.1f} ({min(b_runs):.1f}–{max(b_runs):.1f}) |", flush=True)
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
