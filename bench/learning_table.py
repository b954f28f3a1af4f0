#!/usr/bin/env python3
"""Runs every sample with rnnc (samples' SampleRun, the classes rnnc-maven-plugin generated) and with PyTorch
(bench/pytorch_samples.py) on the same data, split, batch and epochs, for several seeds, and prints one markdown
table: each metric's mean and range per side, and the data's baseline. Called by bench/learning-table.sh, which
builds the classes first; --write puts the table into docs/learning.md between its markers.

A PyTorch run mirrors the rnnc run's handling of lengths: when rnnc's model takes no per-sample lengths yet
(SampleRun reports "padded"), PyTorch reads the padding as data too (--padded).
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# sample -> [(metric key, label, lower is better, baseline key or None)]; the baselines come from the PyTorch script
# (the data's own forecasts and thresholds, the same for both sides)
METRICS = {
    "char_lm": [("valid_bpc", "validation bits per character", True, None)],
    "sunspots": [("test_mae", "test MAE (sunspot number)", True, "naive_mae"), ("test_rmse", "test RMSE", True, "naive_rmse")],
    "births": [("test_mae", "test MAE (births a day)", True, "naive_mae"), ("test_rmse", "test RMSE", True, "naive_rmse")],
    "g2p": [("greedy_per", "phoneme error rate, greedy", True, None), ("greedy_word_acc", "word accuracy, greedy", False, None),
            ("beam4_per", "phoneme error rate, beam 4", True, None), ("beam4_word_acc", "word accuracy, beam 4", False, None)],
    "names": [("test_accuracy", "test accuracy", False, None), ("test_macro_f1", "test macro-F1", False, None)],
    "sensor": [("event_precision", "event precision", False, "threshold_precision"),
               ("event_recall", "event recall", False, "threshold_recall"), ("event_f1", "event F1", False, "threshold_f1")],
    "digit_drawer": [("test_bce", "test BCE per pixel", True, None)],
    "xor": [("accuracy", "accuracy on the truth table", False, None)],
}
BASELINE = {"sunspots": "11-year seasonal naive", "births": "7-day seasonal naive",
            "sensor": "threshold on the humidity change, fitted on the training motes"}

# A short run of each sample (--quick): a subset, fewer epochs; for trying the script, not for the table.
QUICK = {
    "char_lm": ["--epochs", "1", "--train-limit", "2000", "--eval-limit", "500"],
    "g2p": ["--epochs", "1", "--train-limit", "20000", "--eval-limit", "500"],
    "digit_drawer": ["--epochs", "1", "--train-limit", "10000", "--eval-limit", "2000"],
}


def run(cmd, log):
    print("  $ " + " ".join(cmd), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                       env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1"))
    log.write("$ " + " ".join(cmd) + "\n" + p.stdout + p.stderr + "\n")
    log.flush()
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("result "):
            return json.loads(line[len("result "):])
    raise SystemExit(f"no result line from: {' '.join(cmd)}")


def summary(values, digits):
    if not values:
        return "—"
    mean = sum(values) / len(values)
    if len(values) == 1:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def digits_for(key):
    return 1 if "mae" in key or "rmse" in key else 3


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("samples", nargs="*", default=list(METRICS))
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--quick", action="store_true", help="short runs (subsets, one epoch) for the slow samples")
    p.add_argument("--classpath", required=True)
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--log", default=os.path.join(REPO, "rnnc-out", "learning-table.log"))
    p.add_argument("--write", action="store_true", help="replace the table in docs/learning.md")
    a = p.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    os.makedirs(os.path.dirname(a.log), exist_ok=True)
    rows = []
    with open(a.log, "w") as log:
        for sample in a.samples:
            extra = QUICK.get(sample, []) if a.quick else []
            results = {"rnnc": [], "PyTorch": []}
            for seed in seeds:
                r = run(["java", "--add-modules", "jdk.incubator.vector", "-cp", a.classpath,
                         "io.rnnc.samples.run.SampleRun", sample, "--seed", str(seed), "--out", "rnnc-out"] + extra, log)
                results["rnnc"].append(r)
                padded = ["--padded"] if r.get("lengths") == "padded" else []
                results["PyTorch"].append(run([a.python, os.path.join(HERE, "pytorch_samples.py"), sample, "--seed", str(seed)]
                                              + padded + extra, log))
            r0 = results["rnnc"][0]
            setting = f"{r0['epochs']} epochs" + (", subset" if extra else "") + (", padded" if r0.get("lengths") == "padded" else "")
            for key, label, lower, bkey in METRICS[sample]:
                cells = [summary([r[key] for r in results[side]], digits_for(key)) for side in ("rnnc", "PyTorch")]
                base = "—" if bkey is None else summary([results["PyTorch"][0][bkey]], digits_for(key)) + f" ({BASELINE[sample]})"
                rows.append(f"| {sample} | {label} ({'lower' if lower else 'higher'} is better) | {cells[0]} | {cells[1]} "
                            f"| {base} | {setting} |")
    header = [f"Seeds {', '.join(map(str, seeds))}: mean (range).", "",
              "| sample | metric | rnnc | PyTorch | baseline | run |", "|---|---|---|---|---|---|"]
    table = "\n".join(header + rows)
    print(table)
    if a.write:
        path = os.path.join(REPO, "docs", "learning.md")
        with open(path) as f:
            text = f.read()
        start, end = "<!-- learning-table:start -->", "<!-- learning-table:end -->"
        i, j = text.index(start) + len(start), text.index(end)
        with open(path, "w") as f:
            f.write(text[:i] + "\n" + table + "\n" + text[j:])
        print(f"wrote the table into {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
