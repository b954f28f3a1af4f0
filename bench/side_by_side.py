#!/usr/bin/env python3
"""Joins rnnc's rows (benchmarks/jmh_rows.py --json) and PyTorch's (pytorch_bench.py --json) into one table.

  python3 bench/side_by_side.py RNNC.json PYTORCH.json [--markdown]

Rows join on (model, task, batch, threads). The ratio is always "above 1 = rnnc is faster":
rnnc samples/s / PyTorch samples/s, except for batch-1 inference (a latency), where it is
PyTorch µs / rnnc µs. Plain python3, no third-party modules.
"""

import argparse
import json
import sys

ORDER = {"rnn": 0, "lstm": 1, "gru": 2}


def load(path, tool):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"error: {path}: {e}")
    if doc.get("tool") != tool:
        raise SystemExit(f"error: {path}: expected {tool}'s results, found tool={doc.get('tool')!r}")
    return {(r["model"], r["task"], r["batch"], r["threads"]): r for r in doc["rows"]}


def is_latency(key):
    return key[1] == "infer" and key[2] == 1


def cells(r, key):
    """(speed, GFLOP/s) of one side as text: µs for latency rows, samples/s otherwise."""
    if r is None:
        return "—", "—"
    speed = f"{r['latency_us']:,.0f} µs" if is_latency(key) else f"{r['samples_per_s']:,.0f}"
    return speed, f"{r['gflops']:.1f}"


def ratio(a, b, key):
    if a is None or b is None:
        return "—"
    value = b["latency_us"] / a["latency_us"] if is_latency(key) else a["samples_per_s"] / b["samples_per_s"]
    return f"{value:.2f}×"


def table(rnnc, torch, markdown):
    keys = sorted(set(rnnc) | set(torch), key=lambda k: (ORDER.get(k[0], 9), k[1] != "train", k[2], k[3]))
    head = ["model", "task", "batch", "threads", "rnnc samples/s", "rnnc GFLOP/s", "PyTorch samples/s",
            "PyTorch GFLOP/s", "rnnc vs PyTorch"]
    body = []
    for k in keys:
        a, b = rnnc.get(k), torch.get(k)
        body.append([k[0], k[1], str(k[2]), str(k[3]), *cells(a, k), *cells(b, k), ratio(a, b, k)])
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join(["---"] * 4 + ["---:"] * 5) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in body]
    else:
        widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(head)]
        fmt = lambda row: "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        lines.append(fmt(head))
        lines += [fmt(row) for row in body]
    lines.append("")
    lines.append("rnnc vs PyTorch: above 1 means rnnc is faster — samples/s rnnc / PyTorch; for batch-1 inference the "
                 "columns are latency (µs per call) and the ratio is PyTorch µs / rnnc µs.")
    lines.append("Figures are medians of the timed windows/iterations; GFLOP/s counts matmul FLOPs only "
                 "(docs/performance.md).")
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description="one side-by-side table of rnnc and PyTorch")
    p.add_argument("rnnc_json")
    p.add_argument("pytorch_json")
    p.add_argument("--markdown", action="store_true", help="a Markdown table (for docs/performance.md)")
    args = p.parse_args(argv)
    print(table(load(args.rnnc_json, "rnnc"), load(args.pytorch_json, "pytorch"), args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
