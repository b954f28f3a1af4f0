#!/usr/bin/env python3
"""Joins rnnc's rows (benchmarks/jmh_rows.py --json) and PyTorch's (pytorch_bench.py --json) into one table.

  python3 bench/side_by_side.py RNNC.json PYTORCH.json [RNNC2.json PYTORCH2.json ...] [--markdown]

Rows join on (model, task, batch, threads). The ratio is always "above 1 = rnnc is faster":
rnnc samples/s / PyTorch samples/s, except for batch-1 inference (a latency), where it is
PyTorch µs / rnnc µs. With several rounds (pairs of files, each pair measured back to back), each
side's cells are the median over the rounds and the ratio is the median of the per-round ratios,
followed by their range: a ratio taken within one round is immune to the machine drifting between
rounds, and the range shows how far one round can be off. Plain python3, no third-party modules.
"""

import argparse
import json
import statistics
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


def speed(r, key):
    return r["latency_us"] if is_latency(key) else r["samples_per_s"]


def cells(rs, key):
    """(speed, GFLOP/s) of one side over the rounds, as text: µs for latency rows, samples/s otherwise."""
    if not rs:
        return "—", "—"
    value = statistics.median(speed(r, key) for r in rs)
    text = f"{value:,.0f} µs" if is_latency(key) else f"{value:,.0f}"
    return text, f"{statistics.median(r['gflops'] for r in rs):.1f}"


def ratio(pairs, key):
    """Median of the per-round ratios (rounds with both sides), and their range when there are several."""
    values = [(b["latency_us"] / a["latency_us"]) if is_latency(key) else (a["samples_per_s"] / b["samples_per_s"])
              for a, b in pairs if a is not None and b is not None]
    if not values:
        return "—"
    text = f"{statistics.median(values):.2f}×"
    if len(values) > 1:
        text += f" ({min(values):.2f}–{max(values):.2f})"
    return text


def table(rounds, markdown):
    """rounds: [(rnnc rows, PyTorch rows)], one pair per back-to-back round."""
    keys = sorted({k for r, t in rounds for k in (*r, *t)},
                  key=lambda k: (ORDER.get(k[0], 9), k[1] != "train", k[2], k[3]))
    head = ["model", "task", "batch", "threads", "rnnc samples/s", "rnnc GFLOP/s", "PyTorch samples/s",
            "PyTorch GFLOP/s", "rnnc vs PyTorch"]
    body = []
    for k in keys:
        pairs = [(r.get(k), t.get(k)) for r, t in rounds]
        a = [x for x, _ in pairs if x is not None]
        b = [y for _, y in pairs if y is not None]
        body.append([k[0], k[1], str(k[2]), str(k[3]), *cells(a, k), *cells(b, k), ratio(pairs, k)])
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
    if len(rounds) > 1:
        lines.append(f"{len(rounds)} rounds, each rnnc then PyTorch: each side's figures are medians over the rounds; "
                     "the ratio is the median of the per-round ratios (their range in brackets).")
    return "\n".join(lines)


def main(argv):
    p = argparse.ArgumentParser(description="one side-by-side table of rnnc and PyTorch")
    p.add_argument("files", nargs="+", metavar="RNNC.json PYTORCH.json",
                   help="one pair per round: rnnc's rows, then PyTorch's rows measured right after")
    p.add_argument("--markdown", action="store_true", help="a Markdown table (for docs/performance.md)")
    args = p.parse_args(argv)
    if len(args.files) % 2:
        p.error("give the files in pairs: rnnc's json, then PyTorch's json, for each round")
    rounds = [(load(args.files[i], "rnnc"), load(args.files[i + 1], "pytorch")) for i in range(0, len(args.files), 2)]
    print(table(rounds, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
