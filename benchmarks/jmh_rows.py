#!/usr/bin/env python3
"""Turns JMH's JSON result of ModelBenchmark into rows of samples/s and GFLOP/s.

  python3 benchmarks/jmh_rows.py JMH.json [--json ROWS.json]

Prints one line per row and, with --json, writes the rows in the same shape as
bench/pytorch_bench.py's JSON ({"tool": "rnnc", "meta": {...}, "rows": [...]}), so that
bench/side_by_side.py can join them on (model, task, batch, threads).

Figures are the MEDIAN of the measurement iterations (as pytorch_bench.py reports the median
window); `best` is the fastest iteration and `spread` (slowest - fastest) / median.
Plain python3, no third-party modules.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile

# The models of samples/mnist: 28 steps of 28 inputs, 2 layers of 100 units, dense 10 after the last step.
STEPS, INPUTS, HIDDEN, LAYERS, OUTPUTS, OUTPUT_STEPS = 28, 28, 100, 2, 10, 1
GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def forward_flops(model):
    """Matmul FLOPs per sample: 2 * sum_layers,steps (in_l + H) * G * H + 2 * H * O * outputSteps."""
    g = GATES[model]
    total = 0
    for layer in range(LAYERS):
        width = INPUTS if layer == 0 else HIDDEN
        total += 2 * STEPS * (width + HIDDEN) * g * HIDDEN
    return total + 2 * HIDDEN * OUTPUTS * OUTPUT_STEPS


def rows_of(results):
    rows = []
    for r in results:
        method = r["benchmark"].rsplit(".", 1)[1]
        params = r.get("params", {})
        model = params["model"]
        threads = int(params["threads"])
        metric = r["primaryMetric"]
        raw = [x for fork in metric["rawData"] for x in fork]
        median, best, worst = statistics.median(raw), None, None
        if method == "train":
            task, batch = "train", int(params["batch"])
            flops = 3 * forward_flops(model)
        elif method == "inferLatency":
            task, batch = "infer", 1
            flops = forward_flops(model)
        elif method == "inferThroughput":
            task, batch = "infer", 256
            flops = forward_flops(model)
        else:
            continue
        if metric["scoreUnit"] == "us/op":
            latency = median
            per_s = [batch * 1e6 / x for x in raw]
        elif metric["scoreUnit"] == "ops/s":
            latency = 1e6 / median
            per_s = [batch * x for x in raw]
        else:
            raise SystemExit(f"error: {r['benchmark']}: unexpected unit {metric['scoreUnit']}")
        samples = statistics.median(per_s)
        best, worst = max(per_s), min(per_s)
        rows.append({
            "model": model, "task": task, "batch": batch, "threads": threads,
            "samples_per_s": samples, "best_samples_per_s": best,
            "gflops": samples * flops / 1e9, "latency_us": latency,
            "flops_per_sample": flops, "windows": len(raw),
            "spread_pct": 100.0 * (best - worst) / samples if samples else 0.0,
        })
    order = {"rnn": 0, "lstm": 1, "gru": 2}
    rows.sort(key=lambda x: (order.get(x["model"], 9), x["task"] != "train", x["batch"], x["threads"]))
    return rows


def print_rows(rows, out=sys.stdout):
    print(f"{'model':<6} {'task':<6} {'batch':>5} {'threads':>7} {'samples/s':>12} {'GFLOP/s':>8} "
          f"{'µs/call':>10} {'spread':>7}", file=out)
    for r in rows:
        print(f"{r['model']:<6} {r['task']:<6} {r['batch']:>5} {r['threads']:>7} {r['samples_per_s']:>12,.0f} "
              f"{r['gflops']:>8.1f} {r['latency_us']:>10,.1f} {r['spread_pct']:>6.1f}%", file=out)


def write_json_atomically(path, document):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".rows-", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv):
    p = argparse.ArgumentParser(description="JMH JSON of ModelBenchmark -> samples/s and GFLOP/s per row")
    p.add_argument("jmh_json", help="the file JMH wrote with -rf json -rff FILE")
    p.add_argument("--json", metavar="FILE", help="also write the rows (pytorch_bench.py's row format)")
    args = p.parse_args(argv)
    try:
        with open(args.jmh_json) as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        print(f"error: {args.jmh_json}: {e}", file=sys.stderr)
        return 1
    rows = rows_of(results)
    if not rows:
        print(f"error: {args.jmh_json} holds no ModelBenchmark results", file=sys.stderr)
        return 1
    print_rows(rows)
    if args.json:
        first = results[0]
        meta = {"jdk": first.get("jdkVersion"), "vm": first.get("vmName"), "jvm_args": first.get("jvmArgs"),
                "jmh": first.get("jmhVersion"), "warmup": f"{first.get('warmupIterations')} x {first.get('warmupTime')}",
                "measurement": f"{first.get('measurementIterations')} x {first.get('measurementTime')}",
                "statistic": "median of measurement iterations"}
        write_json_atomically(args.json, {"tool": "rnnc", "meta": meta, "rows": rows})
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
