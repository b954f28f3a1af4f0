#!/usr/bin/env python3
"""Runs samples with rnnc (samples' SampleRun, the classes rnnc-maven-plugin generated, on --threads threads) and with
PyTorch (bench/pytorch_samples.py, one thread) on the same data, split, batch and epochs, for several seeds, and
prints their markdown rows: each metric's mean and range per side, and the data's baseline. Called by
bench/learning-table.sh, which builds the classes first.

--write merges the rows into docs/learning.md between its markers: the rows of the samples run replace those
samples' rows in their section and every other row is kept as it is. A --quick run (and any run of the fast samples)
goes to the main table, a full run of a slow sample (char_lm, g2p, digit_drawer) to the table of full runs. Each row
ends with how it was made (command, date, commit, time per run, load), so the block is exactly what the runs wrote.

A PyTorch run mirrors the rnnc run's handling of lengths: when rnnc's model takes no per-sample lengths yet
(SampleRun reports "padded"), PyTorch reads the padding as data too (--padded).
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# sample -> [(metric key, label, lower is better, baseline key or None)]; the baselines come from the PyTorch script
# (the data's own forecasts and thresholds, the same for both sides)
METRICS = {
    "char_lm": [("valid_bpc", "validation bits per character", True, None)],
    "sunspots": [("test_mae", "test MAE (sunspot number)", True, "naive_mae"), ("test_rmse", "test RMSE", True, "naive_rmse")],
    "births": [("test_mae", "test MAE (births a day)", True, "naive_mae"), ("test_rmse", "test RMSE", True, "naive_rmse")],
    "air_passengers": [("test_mae", "test MAE (thousand passengers a month)", True, "naive_mae"),
                       ("test_rmse", "test RMSE", True, "naive_rmse")],
    "g2p": [("greedy_per", "phoneme error rate, greedy", True, None), ("greedy_word_acc", "word accuracy, greedy", False, None),
            ("beam4_per", "phoneme error rate, beam 4", True, None), ("beam4_word_acc", "word accuracy, beam 4", False, None)],
    "names": [("test_accuracy", "test accuracy", False, None), ("test_macro_f1", "test macro-F1", False, None)],
    "sensor": [("event_precision", "event precision", False, "threshold_precision"),
               ("event_recall", "event recall", False, "threshold_recall"), ("event_f1", "event F1", False, "threshold_f1")],
    "digit_drawer": [("test_bce", "test BCE per pixel", True, None)],
    "xor": [("accuracy", "accuracy on the truth table", False, None)],
}
BASELINE = {"sunspots": "11-year seasonal naive", "births": "7-day seasonal naive", "air_passengers": "12-month seasonal naive",
            "sensor": "threshold on the humidity change, fitted on the training motes"}

# A short run of each slow sample (--quick): a subset, one epoch; what the subset is, for the run column.
QUICK = {
    "char_lm": (["--epochs", "1", "--train-limit", "2000", "--eval-limit", "500"],
                "subset: the first 2,000 windows' worth of text (200,000 characters), 500 validation windows"),
    "g2p": (["--epochs", "1", "--train-limit", "20000", "--eval-limit", "500"],
            "subset: 20,000 training words, 500 test words decoded"),
    "digit_drawer": (["--epochs", "1", "--train-limit", "10000", "--eval-limit", "2000"],
                     "subset: 10,000 training images, 2,000 test images"),
}
# Samples whose full run takes tens of minutes: a full run of these goes to the table of full runs, a --quick one
# (and any run of the others) to the main table.
SLOW = ("char_lm", "g2p", "digit_drawer")

START, END = "<!-- learning-table:start -->", "<!-- learning-table:end -->"
MAIN_HEADER = ["| sample | metric | rnnc | PyTorch | baseline | run | made by |", "|---|---|---|---|---|---|---|"]
FULL_HEADER = ["| sample | metric | rnnc | PyTorch | run | made by |", "|---|---|---|---|---|---|"]
INTRO = ("Each cell: mean (range) over the seeds the run column names; one figure for one seed. Every row was written "
         "by `bench/learning-table.sh`; its last column says how: the command (one `--write` run replaces the rows of "
         "the samples it names and keeps the others), the date, the commit it ran on, each side's time per run on one "
         "thread and the machine's load (1-minute average) during the runs.")
FULL_TITLE = "### Full runs of the slow samples"
FULL_INTRO = ("All the data: every training sample, every validation window, test word and test image, and the "
              "samples' default epochs unless the run column says otherwise; the rows of the main table are their "
              "`--quick` subsets.")


def run(cmd, log):
    print("  $ " + " ".join(cmd), file=sys.stderr, flush=True)
    load0 = os.getloadavg()[0]
    p = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                       env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1"))
    log.write("$ " + " ".join(cmd) + "\n" + p.stdout + p.stderr + "\n")
    log.flush()
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    for line in reversed(p.stdout.splitlines()):
        if line.startswith("result "):
            r = json.loads(line[len("result "):])
            r["load"] = (load0 + os.getloadavg()[0]) / 2
            log.write(f"load (1-minute average, start and end of the run): {load0:.2f}, {os.getloadavg()[0]:.2f}\n")
            return r
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


def seconds(s):
    return f"{s:.1f} s" if s < 10 else f"{s:.0f} s" if s < 120 else f"{s / 60:.0f} min"


def seed_list(seeds):
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"seeds {seeds[0]}–{seeds[-1]}"
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(map(str, seeds))


def commit():
    """The commit the run measured, marked '+changes' when the code it ran (samples' sources and specs, compiler,
    runtime, the PyTorch script) differs from it; documentation does not count."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "samples/src", "samples/*.rnn", "samples/pom.xml",
                                "compiler", "runtime", "grammar", "bench/pytorch_samples.py"],
                               cwd=REPO, capture_output=True, text=True).stdout.strip()
        return head + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"


def rows_of(sample, section, seeds, results, quick, made_by):
    """The table rows of one sample: one per metric."""
    r0 = results["rnnc"][0]
    epochs = r0["epochs"]
    setting = f"{epochs} epoch{'s' if epochs != 1 else ''}"
    if quick:
        setting += ", " + QUICK[sample][1]
    if r0.get("lengths") == "padded":
        setting += ", padded"
    setting += ", " + seed_list(seeds)
    rows = []
    for key, label, lower, bkey in METRICS[sample]:
        cells = [summary([r[key] for r in results[side]], digits_for(key)) for side in ("rnnc", "PyTorch")]
        name = f"{label} ({'lower' if lower else 'higher'} is better)"
        if section == "main":
            base = "—" if bkey is None else summary([results["PyTorch"][0][bkey]], digits_for(key)) + f" ({BASELINE[sample]})"
            rows.append(f"| {sample} | {name} | {cells[0]} | {cells[1]} | {base} | {setting} | {made_by} |")
        else:
            rows.append(f"| {sample} | {name} | {cells[0]} | {cells[1]} | {setting} | {made_by} |")
    return rows


def parse_block(text):
    """The rows of the table block in docs/learning.md: {"main": {sample: [row]}, "full": {sample: [row]}}."""
    i, j = text.index(START) + len(START), text.index(END)
    sections = {"main": {}, "full": {}}
    section = None
    for line in text[i:j].splitlines():
        if line.startswith("| sample |"):
            section = "main" if "| baseline |" in line else "full"
        elif line.startswith("|---"):
            continue
        elif line.startswith("| ") and section:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            width = 7 if section == "main" else 6
            if len(cells) < width:  # a row from before the script recorded how it was made
                cells += ["—"] * (width - 1 - len(cells)) + ["not recorded (written before the script recorded its runs)"]
            sections[section].setdefault(cells[0], []).append("| " + " | ".join(cells) + " |")
    return sections


def render(sections):
    order = {s: k for k, s in enumerate(METRICS)}
    lines = [INTRO, ""] + MAIN_HEADER
    for sample in sorted(sections["main"], key=lambda s: order.get(s, len(order))):
        lines += sections["main"][sample]
    if sections["full"]:
        lines += ["", FULL_TITLE, "", FULL_INTRO, ""] + FULL_HEADER
        for sample in sorted(sections["full"], key=lambda s: order.get(s, len(order))):
            lines += sections["full"][sample]
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("samples", nargs="*", default=list(METRICS))
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--quick", action="store_true", help="short runs (subsets, one epoch) for the slow samples")
    p.add_argument("--epochs", type=int, help="epochs of every run (default: each sample's own, SampleRun.defaultEpochs)")
    p.add_argument("--threads", type=int, default=1, help="threads of each rnnc run (PyTorch always runs on one)")
    p.add_argument("--classpath", help="rnnc's classes (learning-table.sh builds and passes them)")
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--log", default=os.path.join(REPO, "rnnc-out", "learning-table.log"))
    p.add_argument("--write", action="store_true",
                   help="put the rows into docs/learning.md, replacing the rows of these samples in their section "
                        "and keeping the others")
    p.add_argument("--doc", default=os.path.join(REPO, "docs", "learning.md"))
    p.add_argument("--render", action="store_true",
                   help="run nothing: write the block of docs/learning.md again from its rows (after a change to this "
                        "script's fixed text)")
    a = p.parse_args()
    if a.render:
        with open(a.doc) as f:
            text = f.read()
        i, j = text.index(START) + len(START), text.index(END)
        with open(a.doc, "w") as f:
            f.write(text[:i] + "\n" + render(parse_block(text)) + "\n" + text[j:])
        return
    if not a.classpath:
        raise SystemExit("--classpath is needed to run the samples (bench/learning-table.sh passes it)")
    for sample in a.samples:
        if sample not in METRICS:
            raise SystemExit(f"unknown sample '{sample}'; the samples are {' '.join(METRICS)}")
    seeds = [int(s) for s in a.seeds.split(",")]
    os.makedirs(os.path.dirname(a.log), exist_ok=True)
    revision = commit()
    new = {"main": {}, "full": {}}
    with open(a.log, "a") as log:
        log.write(f"# learning-table {' '.join(sys.argv[1:])} at {time.strftime('%Y-%m-%d %H:%M')} on {revision}\n")
        for sample in a.samples:
            extra = QUICK[sample][0] if a.quick and sample in QUICK else []
            if a.epochs is not None:
                extra = [x for k, x in enumerate(extra) if x != "--epochs" and (k == 0 or extra[k - 1] != "--epochs")]
                extra += ["--epochs", str(a.epochs)]
            section = "full" if sample in SLOW and not a.quick else "main"
            results = {"rnnc": [], "PyTorch": []}
            for seed in seeds:
                r = run(["java", "--add-modules", "jdk.incubator.vector", "-cp", a.classpath,
                         "io.rnnc.samples.run.SampleRun", sample, "--seed", str(seed), "--threads", str(a.threads),
                         "--out", "rnnc-out"] + extra, log)
                results["rnnc"].append(r)
                padded = ["--padded"] if r.get("lengths") == "padded" else []
                results["PyTorch"].append(run([a.python, os.path.join(HERE, "pytorch_samples.py"), sample, "--seed", str(seed)]
                                              + padded + extra, log))
            command = " ".join(["bench/learning-table.sh"] + (["--quick"] if a.quick else [])
                               + ([f"--seeds {a.seeds}"] if a.seeds != "0,1,2" else [])
                               + ([f"--epochs {a.epochs}"] if a.epochs is not None else [])
                               + ([f"--threads {a.threads}"] if a.threads != 1 else []) + [sample])
            mean_s = {side: sum(r["seconds"] for r in results[side]) / len(seeds) for side in results}
            load = sum(r["load"] for side in results for r in results[side]) / (2 * len(seeds))
            made_by = (f"`{command}`, {time.strftime('%Y-%m-%d')}, {revision}; {seconds(mean_s['rnnc'])} / "
                       f"{seconds(mean_s['PyTorch'])} a run, load {load:.1f}")
            new[section][sample] = rows_of(sample, section, seeds, results, a.quick and sample in QUICK, made_by)
            print("\n".join(new[section][sample]), flush=True)
    if a.write:
        with open(a.doc) as f:
            text = f.read()
        sections = parse_block(text)
        for section in new:
            sections[section].update(new[section])
        i, j = text.index(START) + len(START), text.index(END)
        with open(a.doc, "w") as f:
            f.write(text[:i] + "\n" + render(sections) + "\n" + text[j:])
        print(f"wrote the rows of {', '.join(a.samples)} into {a.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
