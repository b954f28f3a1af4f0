#!/usr/bin/python3
"""Scaling curves (issue 18, item 3): rnnc's generated class and PyTorch on the same shapes, same run.

For each cell x hidden x steps x batch: the seed model's layout (28 inputs per step, --layers stacked
cells, many-to-one, dense 10 softmax, cross-entropy, Adam) at that size. Per shape, rnnc runs in a fresh
JVM (benchmarks' ScalingRun: spec -> generated class -> loaded class, timed, then training steps and
inference calls), then PyTorch in a fresh process on the same shape (Debian's /usr/bin/python3, one
thread, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment
only); with --rounds R the whole grid repeats R times and each ratio is the median of the per-round
ratios. Prints a table (samples/s of each side and the ratio, rnnc GFLOP/s and its fraction of the FMA
peak, seconds from spec to loaded class) and writes results.json, table.txt, table.md and scaling.png
to bench/results/scaling-<date>/.

  bench/scaling.py                                   # the whole grid (hours: see --max-step-seconds)
  bench/scaling.py --cells lstm --hidden 128,512 --steps 28 --batch 64 --quick   # a smoke run
  bench/scaling.py --java /usr/lib/jvm/java-17-openjdk-amd64,/usr/lib/jvm/temurin-25-jdk-amd64 --no-pytorch
                                                     # the same shapes on two JDKs, interleaved
Run it with /usr/bin/python3 (it needs torch only in the PyTorch worker, matplotlib only for the plot).
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
INPUTS, CLASSES = 28, 10
# Distinct random batches a training row rotates over on both sides (ModelBenchmark.FRESH_BATCHES): a network
# trained on one fixed batch memorises it, and the timed windows then measure that, not training.
FRESH_BATCHES = 16
# Values each cell keeps per unit and step for BPTT (docs/performance.md, "BPTT memory minimum"), to size
# the JVM's heap and to skip shapes that do not fit.
STORED = {"rnn": 1, "lstm": 6, "gru": 5}


def ints(text):
    return [int(v) for v in text.split(",") if v.strip()]


def parse_args(argv):
    p = argparse.ArgumentParser(description="rnnc vs PyTorch over model sizes (issue 18, scaling curves)")
    p.add_argument("--cells", default="rnn,lstm,gru", help="subset of rnn,lstm,gru (default all)")
    p.add_argument("--hidden", default="32,128,256,512,1024", type=ints, help="hidden sizes (default 32..1024)")
    p.add_argument("--steps", default="28,256", type=ints, help="sequence lengths (default 28,256)")
    p.add_argument("--batch", default="1,64,256", type=ints, help="batch sizes (default 1,64,256)")
    p.add_argument("--layers", default=2, type=int, help="stacked layers (default 2, as the seed model)")
    p.add_argument("--tasks", default="train,infer", help="train and/or infer (default both)")
    p.add_argument("--threads", default=1, type=int, help="threads on both sides (default 1)")
    p.add_argument("--rounds", default=1, type=int, help="repeat the grid R times; ratio = median per-round ratio")
    p.add_argument("--quick", action="store_true", help="0.2 s warm-up, 3 windows of 0.1 s: a smoke run")
    p.add_argument("--warmup-seconds", type=float, help="warm-up per task (default 3, quick 0.2)")
    p.add_argument("--window-seconds", type=float, help="one timed window (default 1, quick 0.1)")
    p.add_argument("--windows", type=int, help="timed windows per task (default 5, quick 3)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="time windows in wall time (default) or in the calling thread's CPU time, both sides "
                   "(one thread only): on a machine shared with other work, CPU time leaves out the waits for a core")
    p.add_argument("--max-step-seconds", type=float, default=20.0,
                   help="skip a shape whose training step would take longer at 20 GFLOP/s (default 20)")
    p.add_argument("--max-heap-gb", type=float, default=8.0,
                   help="skip a shape whose BPTT activations need more (default 8)")
    p.add_argument("--java", default="", help="comma-separated JAVA_HOMEs to run rnnc on, interleaved "
                   "(default: $JAVA_HOME, else java on PATH)")
    p.add_argument("--jvm-arg", action="append", default=[], help="extra JVM option (repeatable), "
                   "e.g. -XX:+PrintCompilation; the JVM's stderr goes to the results directory")
    p.add_argument("--no-pytorch", action="store_true", help="rnnc only")
    p.add_argument("--pytorch-flush-denormal", action="store_true",
                   help="PyTorch runs with torch.set_flush_denormal(True), as rnnc's backward flushes vanishing "
                        "gradients: like for like where long sequences drive gradients subnormal (T = 256)")
    p.add_argument("--fma-peak", default="auto", help="GFLOP/s of one core's FMAs for the fraction of peak: a "
                   "number, 'auto' (compile and run fma_peak.c once) or 'none'")
    p.add_argument("--out", help="results directory (default bench/results/scaling-<date>)")
    p.add_argument("--resume", metavar="DIR", help="continue a stopped run in DIR (its shapes.jsonl): shapes "
                   "already measured there are not measured again; the table covers both")
    p.add_argument("--merge", metavar="DIR,...", help="measure nothing: one table and plot from the shapes.jsonl "
                   "of several runs (same layers, tasks, clock and sides), written to --out")
    p.add_argument("--no-plot", action="store_true", help="skip the PNG")
    p.add_argument("--no-build", action="store_true", help="use benchmarks/target/benchmarks.jar as it is")
    p.add_argument("--classpath", default=JAR, help="rnnc's side: where ScalingRun and its dependencies are "
                   "(default benchmarks/target/benchmarks.jar, built first unless --no-build)")
    # internal: the PyTorch side of one shape, in its own process (its environment set by the driver)
    p.add_argument("--pytorch-worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.cells = [c.strip() for c in a.cells.split(",") if c.strip()]
    bad = [c for c in a.cells if c not in GATES]
    if bad or not a.cells:
        p.error(f"--cells: unknown {', '.join(bad) or '(none)'}; choose from rnn, lstm, gru")
    a.tasks = [t.strip() for t in a.tasks.split(",") if t.strip()]
    if not a.tasks or any(t not in ("train", "infer") for t in a.tasks):
        p.error("--tasks: train and/or infer")
    if a.clock == "cpu" and a.threads != 1:
        p.error("--clock cpu measures the calling thread: use it with --threads 1")
    if min(a.hidden + a.steps + a.batch + [a.layers, a.threads, a.rounds]) < 1:
        p.error("sizes, --layers, --threads and --rounds must be 1 or more")
    a.warmup_seconds = a.warmup_seconds if a.warmup_seconds is not None else (0.2 if a.quick else 3.0)
    a.window_seconds = a.window_seconds or (0.1 if a.quick else 1.0)
    a.windows = a.windows or (3 if a.quick else 5)
    a.java = [j for j in a.java.split(",") if j] or [os.environ.get("JAVA_HOME", "")]
    return a


# ---------------------------------------------------------------- the machine

def cpu_info():
    info = {"model": platform.processor() or "unknown", "family": None, "flags": ""}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                k, v = k.strip(), v.strip()
                if k == "model name":
                    info["model"] = v
                elif k == "cpu family" and info["family"] is None:
                    info["family"] = int(v)
                elif k == "flags" and not info["flags"]:
                    info["flags"] = v
    except OSError:
        pass
    info["avx512"] = "avx512f" in info["flags"].split()
    info["vendor_family"] = f"{'AMD' if 'AMD' in info['model'] else 'Intel' if 'Intel' in info['model'] else '?'} " \
                            f"family {info['family']}"
    del info["flags"]
    try:
        l2 = subprocess.run(["getconf", "LEVEL2_CACHE_SIZE"], capture_output=True, text=True).stdout.strip()
        info["l2_bytes"] = int(l2) if l2 else None
    except (OSError, ValueError):
        info["l2_bytes"] = None
    return info


def fma_peak(setting, out_dir):
    """(GFLOP/s of one core's widest FMAs, the tool's output) — the figure every GFLOP/s is read against."""
    if setting == "none":
        return None, ""
    if setting != "auto":
        return float(setting), f"given: {setting} GFLOP/s"
    candidates = [os.environ.get("FMA_PEAK_SRC", ""), os.path.join(ROOT, "..", "shared", "tools", "fma_peak.c"),
                  "/work/shared/tools/fma_peak.c"]
    src = next((c for c in candidates if c and os.path.isfile(c)), None)
    if src is None:
        return None, "fma_peak.c not found (set FMA_PEAK_SRC or pass --fma-peak N)"
    exe = os.path.join(out_dir, "fma_peak")
    build = subprocess.run(["gcc", "-O2", "-march=native", "-o", exe, src, "-lpthread"], capture_output=True, text=True)
    if build.returncode:
        return None, "fma_peak.c did not build: " + build.stderr.strip()[:200]
    run = subprocess.run([exe], capture_output=True, text=True)
    best = None
    for line in run.stdout.splitlines():
        m = re.search(r"threads=1\s+median ([0-9.]+) GFLOP/s", line)
        if m:
            best = max(best or 0.0, float(m.group(1)))
    return best, run.stdout.strip()


def load():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


# ---------------------------------------------------------------- shapes

def forward_flops(cell, h, t, layers):
    total = sum(2 * t * ((INPUTS if l == 0 else h) + h) * GATES[cell] * h for l in range(layers))
    return total + 2 * h * CLASSES


def bptt_bytes(cell, h, t, b, layers):
    # activations kept for BPTT, plus the gate gradients and a second copy's worth of workspace
    return 4 * (STORED[cell] * t * b * h * layers + 2 * t * b * GATES[cell] * h)


def skip_reason(args, cell, h, t, b):
    step = 3 * forward_flops(cell, h, t, args.layers) * b / 20e9 if "train" in args.tasks else 0
    if step > args.max_step_seconds:
        return f"a training step ~{step:.0f} s at 20 GFLOP/s (> --max-step-seconds {args.max_step_seconds:g})"
    mem = bptt_bytes(cell, h, t, b, args.layers) / 1e9
    if mem > args.max_heap_gb:
        return f"BPTT needs ~{mem:.1f} GB (> --max-heap-gb {args.max_heap_gb:g})"
    return None


# ---------------------------------------------------------------- the two sides

def run_rnnc(args, java_home, cell, h, t, b, log):
    java = os.path.join(java_home, "bin", "java") if java_home else "java"
    inputs_mb = FRESH_BATCHES * t * b * INPUTS * 8 / 1e6   # the rotated training batches, as doubles
    heap_mb = max(1024, int(3 * bptt_bytes(cell, h, t, b, args.layers) / 1e6 + inputs_mb) + 512)
    cmd = [java, "--add-modules", "jdk.incubator.vector", f"-Xms{heap_mb}m", f"-Xmx{heap_mb}m", *args.jvm_arg,
           "-cp", args.classpath, "io.rnnc.benchmarks.ScalingRun", "--cell", cell, "--hidden", str(h), "--steps", str(t),
           "--batch", str(b), "--layers", str(args.layers), "--threads", str(args.threads),
           "--tasks", ",".join(args.tasks), "--warmup-seconds", str(args.warmup_seconds),
           "--window-seconds", str(args.window_seconds), "--windows", str(args.windows), "--clock", args.clock]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stderr}{r.stdout}\n")
    line = next((l for l in r.stdout.splitlines() if l.startswith("{")), None)
    if r.returncode or line is None:
        raise RuntimeError(f"rnnc failed on {cell} H={h} T={t} B={b} (exit {r.returncode}); see {log}")
    doc = json.loads(line)
    doc["java_home"] = java_home or "PATH"
    return doc


def pytorch_env(threads):
    env = dict(os.environ)
    # rnnc's side may want these for its own experiments; PyTorch's OpenBLAS must pick its defaults
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


def run_pytorch(args, cell, h, t, b, log):
    spec = json.dumps({"cell": cell, "hidden": h, "steps": t, "batch": b, "layers": args.layers,
                       "threads": args.threads, "tasks": args.tasks, "warmup": args.warmup_seconds,
                       "window": args.window_seconds, "windows": args.windows, "clock": args.clock,
                       "flush_denormal": args.pytorch_flush_denormal})
    cmd = ["/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable, os.path.abspath(__file__),
           "--pytorch-worker", spec]
    r = subprocess.run(cmd, capture_output=True, text=True, env=pytorch_env(args.threads), cwd=ROOT)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stderr}{r.stdout}\n")
    line = next((l for l in r.stdout.splitlines() if l.startswith("{")), None)
    if r.returncode or line is None:
        raise RuntimeError(f"PyTorch failed on {cell} H={h} T={t} B={b} (exit {r.returncode}); see {log}")
    return json.loads(line)


def time_calls(fn, warmup, window, windows, clock=time.perf_counter):
    """Warm-up (wall time), then `windows` windows of a call count sized on `clock` (wall or thread CPU time)."""
    calls, start, clock_start = 0, time.perf_counter(), clock()
    while calls < 3 or time.perf_counter() - start < warmup:
        fn()
        calls += 1
    n = max(1, round(window / max(1e-9, (clock() - clock_start) / calls)))
    result = []
    for _ in range(windows):
        t0 = clock()
        for _ in range(n):
            fn()
        result.append((clock() - t0) / n)
    return result, n


def pytorch_worker(spec):
    """One shape in PyTorch; prints one JSON line. The environment (threads, OpenBLAS) is set by the driver."""
    s = json.loads(spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch
    import rnnc_models
    torch.set_num_threads(s["threads"])
    if s.get("flush_denormal") and not torch.set_flush_denormal(True):
        raise SystemExit("this CPU has no flush-to-zero mode for PyTorch (torch.set_flush_denormal returned False)")
    torch.manual_seed(0)
    model = rnnc_models.SeqClassifier(s["cell"], INPUTS, s["hidden"], s["layers"], CLASSES)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(1)
    # training rotates over FRESH_BATCHES random batches, as rnnc's ScalingRun does; inference keeps the first
    data = [(torch.rand(s["batch"], s["steps"], INPUTS, generator=gen),
             torch.randint(0, CLASSES, (s["batch"],), generator=gen)) for _ in range(FRESH_BATCHES)]
    x = data[0][0]
    turn = [0]
    rows = []
    for task in s["tasks"]:
        if task == "train":
            model.train()

            def call():
                xb, yb = data[turn[0]]
                turn[0] = (turn[0] + 1) % len(data)
                optimizer.zero_grad()
                loss_fn(model(xb), yb).backward()
                optimizer.step()
        else:
            model.eval()

            def call():
                with torch.no_grad():
                    torch.softmax(model(x), dim=1)
        clock = time.thread_time if s.get("clock") == "cpu" else time.perf_counter
        per_call, n = time_calls(call, s["warmup"], s["window"], s["windows"], clock)
        median = statistics.median(per_call)
        rows.append({"task": task, "seconds_per_call": median, "samples_per_s": s["batch"] / median,
                     "spread_pct": 100 * (max(per_call) - min(per_call)) / median, "calls_per_window": n,
                     "windows": len(per_call)})
    print(json.dumps({"tool": "pytorch", "torch": torch.__version__, "threads_used": torch.get_num_threads(),
                      "flush_denormal": bool(s.get("flush_denormal")), "rows": rows, **{k: s[k] for k in ("cell", "hidden", "steps", "batch", "layers", "threads")}}))


# ---------------------------------------------------------------- table and plot

def summarise(args, results, peak):
    """One row per (shape, task): medians over rounds of each side, ratio = median of per-round ratios."""
    rows = []
    javas = args.java
    for cell in args.cells:
        for t in args.steps:
            for b in args.batch:
                for h in args.hidden:
                    key = (cell, h, t, b)
                    if key not in results:
                        continue
                    entry = results[key]
                    if not entry["rounds"]:
                        why = ("skipped: " + entry["skipped"] if "skipped" in entry else
                               "failed: " + entry["failed"] if "failed" in entry else None)
                        if why:
                            rows.append({"cell": cell, "hidden": h, "steps": t, "batch": b, "task": "-",
                                         "skipped": why})
                        continue
                    flops = forward_flops(cell, h, t, args.layers)
                    for task in args.tasks:
                        row = {"cell": cell, "hidden": h, "steps": t, "batch": b, "task": task}
                        sides = {}
                        for j, jh in enumerate(javas):
                            sides[f"rnnc{j}"] = [next(x for x in r["rnnc"][j]["rows"] if x["task"] == task)
                                                 ["samples_per_s"] for r in entry["rounds"]]
                        if not args.no_pytorch:
                            sides["pytorch"] = [next(x for x in r["pytorch"]["rows"] if x["task"] == task)
                                                ["samples_per_s"] for r in entry["rounds"]]
                        row["samples_per_s"] = {k: statistics.median(v) for k, v in sides.items()}
                        other = "pytorch" if not args.no_pytorch else ("rnnc1" if len(javas) > 1 else None)
                        if other:
                            ratios = [a / o for a, o in zip(sides["rnnc0"], sides[other])]
                            row["ratio"] = statistics.median(ratios)
                            row["ratio_range"] = (min(ratios), max(ratios))
                        gf = row["samples_per_s"]["rnnc0"] * flops * (3 if task == "train" else 1) / 1e9
                        row["rnnc_gflops"] = gf
                        row["peak_fraction"] = gf / peak if peak else None
                        c = entry["rounds"][0]["rnnc"][0]["compile"]
                        row["compile_s"] = c["total_s"]
                        row["javac_s"] = c["javac_s"]
                        row["warm"] = all(next(x for x in r["rnnc"][j]["rows"] if x["task"] == task).get("warm", True)
                                          for r in entry["rounds"] for j in range(len(javas)))
                        row["spread_pct"] = max(next(x for x in r["rnnc"][0]["rows"] if x["task"] == task)["spread_pct"]
                                                for r in entry["rounds"])
                        rows.append(row)
    return rows


def cliffs(rows, factor=1.25):
    """Lines naming each shape whose ratio or rnnc GFLOP/s lies beyond both neighbours along H (same cell,
    steps, batch and task) by more than `factor`: a dip or a spike that the trend does not explain."""
    found = []
    series = {}
    for r in rows:
        if "skipped" not in r:
            series.setdefault((r["cell"], r["steps"], r["batch"], r["task"]), []).append(r)
    for (cell, t, b, task), pts in series.items():
        pts.sort(key=lambda r: r["hidden"])
        for prev, r, nxt in zip(pts, pts[1:], pts[2:]):
            for what, get in (("ratio", lambda x: x.get("ratio")), ("GFLOP/s", lambda x: x["rnnc_gflops"])):
                v, lo, hi = get(r), get(prev), get(nxt)
                if v is None or lo is None or hi is None:
                    continue
                if v * factor < min(lo, hi) or v > factor * max(lo, hi):
                    kind = "dip" if v < min(lo, hi) else "spike"
                    found.append(f"{cell} T={t} B={b} {task} H={r['hidden']}: {what} {kind}, "
                                 f"{lo:.2f} / {v:.2f} / {hi:.2f} at H={prev['hidden']}/{r['hidden']}/{nxt['hidden']}")
    return found


def fmt_rate(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def table(args, rows, markdown):
    javas = args.java
    names = [f"rnnc ({os.path.basename(j) or 'java'})" if len(javas) > 1 else "rnnc" for j in javas]
    head = ["cell", "H", "T", "batch", "task", *[f"{n} samples/s" for n in names]]
    if not args.no_pytorch:
        head += ["PyTorch samples/s", "rnnc / PyTorch"]
    elif len(javas) > 1:
        head += [f"{names[0]} / {names[1]}"]
    head += ["rnnc GFLOP/s", "of FMA peak", "spec→class s", "spread"]
    body = []
    for r in rows:
        if "skipped" in r:
            body.append([r["cell"], str(r["hidden"]), str(r["steps"]), str(r["batch"]), r["skipped"]]
                        + [""] * (len(head) - 5))
            continue
        cells = [r["cell"], str(r["hidden"]), str(r["steps"]), str(r["batch"]), r["task"]]
        cells += [fmt_rate(r["samples_per_s"][f"rnnc{j}"]) + ("" if r["warm"] else " (cold)") for j in range(len(javas))]
        if not args.no_pytorch:
            cells.append(fmt_rate(r["samples_per_s"]["pytorch"]))
        if "ratio" in r:
            text = f"{r['ratio']:.2f}×"
            if args.rounds > 1:
                text += f" ({r['ratio_range'][0]:.2f}–{r['ratio_range'][1]:.2f})"
            cells.append(text)
        cells += [f"{r['rnnc_gflops']:.1f}", f"{100 * r['peak_fraction']:.0f} %" if r["peak_fraction"] else "—",
                  f"{r['compile_s']:.1f}", f"{r['spread_pct']:.0f} %"]
        body.append(cells)
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * 5 + ["---:"] * (len(head) - 5)) + "|"]
        lines += ["| " + " | ".join(c for c in row if c != "" or True) + " |" for row in body]
    else:
        measured = [row for row in body if not row[4].startswith(("skipped", "failed"))]
        widths = [max(len(h), *(len(row[i]) for row in measured)) if measured else len(h) for i, h in enumerate(head)]
        fmt = lambda row: "  ".join(c.ljust(w) if i < 5 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
        lines = [fmt(head)]
        lines += ["  ".join(row[:5]) if row[4].startswith(("skipped", "failed")) else fmt(row) for row in body]
    return "\n".join(lines)


def plot(args, rows, cell, path, title):
    """One PNG per cell: training above, inference below; samples/s on the left (rnnc solid, PyTorch dashed),
    rnnc's ratio on the right; one colour per (steps, batch)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        return "matplotlib is not installed (apt-get install python3-matplotlib): no plot"
    measured = [r for r in rows if "skipped" not in r and r["cell"] == cell]
    if not measured:
        return f"{cell}: nothing measured, no plot"
    other = "PyTorch" if not args.no_pytorch else "second JDK"
    fig, axes = plt.subplots(len(args.tasks), 2, figsize=(12, 4.2 * len(args.tasks)), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, task in enumerate(args.tasks):
        ax_rate, ax_ratio = axes[i]
        for n, (t, b) in enumerate((t, b) for t in args.steps for b in args.batch):
            pts = sorted((r["hidden"], r) for r in measured if (r["steps"], r["batch"], r["task"]) == (t, b, task))
            if not pts:
                continue
            hs = [h for h, _ in pts]
            colour, marker = colours[n % len(colours)], "o" if t == min(args.steps) else "^"
            label = f"T={t} B={b}"
            ax_rate.plot(hs, [r["samples_per_s"]["rnnc0"] for _, r in pts], marker=marker, color=colour, label=label)
            if not args.no_pytorch:
                ax_rate.plot(hs, [r["samples_per_s"]["pytorch"] for _, r in pts], marker=marker, linestyle="--",
                             color=colour)
            with_ratio = [(h, r) for h, r in pts if "ratio" in r]
            if with_ratio:
                ax_ratio.plot([h for h, _ in with_ratio], [r["ratio"] for _, r in with_ratio], marker=marker,
                              color=colour, label=label)
        for ax in (ax_rate, ax_ratio):
            ax.set_xscale("log", base=2)
            ax.set_xticks(args.hidden, [str(h) for h in args.hidden])
            ax.set_xlabel("hidden units")
            ax.grid(True, which="both", alpha=0.3)
        ax_rate.set_yscale("log")
        per = "CPU-second" if args.clock == "cpu" else "second"
        ax_rate.set_title(f"{cell} {task}: samples per {per}" + (" (rnnc solid, PyTorch dashed)"
                                                                 if not args.no_pytorch else ""))
        ax_rate.legend(fontsize=7)
        ax_ratio.set_yscale("log", base=2)
        ax_ratio.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}×"))
        ax_ratio.set_title(f"{cell} {task}: rnnc / {other}")
        ax_ratio.axhline(1.0, color="black", linewidth=0.8)
        ax_ratio.legend(fontsize=7)
    fig.suptitle(textwrap.fill(title, 170), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return f"plot: {path}"


# ---------------------------------------------------------------- a run's record: resume and merge

# What must agree between a run and its resumption, or between merged runs, for one table to hold them.
SAME_IN_EVERY_RUN = ("layers", "tasks", "threads", "clock", "java", "no_pytorch")


def shape_order(args):
    """Shorter sequences first (all cells, batches and sizes), so a run cut short is still a whole grid."""
    return [(c, h, t, b) for t in args.steps for c in args.cells for b in args.batch for h in args.hidden]


def record(path, doc):
    """Appends one shape's outcome (a measured round, a skip or a failure) to shapes.jsonl as it happens."""
    with open(path, "a") as f:
        f.write(json.dumps(doc) + "\n")


def read_run(directory):
    """(the run's settings, {shape: {"rounds": [...]} or a "skipped"/"failed" reason}) from its record."""
    with open(os.path.join(directory, "run.json")) as f:
        settings = json.load(f)
    results = {}
    path = os.path.join(directory, "shapes.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                doc = json.loads(line)
                entry = results.setdefault((doc["cell"], doc["hidden"], doc["steps"], doc["batch"]), {"rounds": []})
                for outcome in ("skipped", "failed"):
                    if outcome in doc:
                        entry[outcome] = doc[outcome]
                if "round" in doc:
                    entry["rounds"].append(doc["round"])
    return settings, results


def join_results(into, more):
    """Adds one run's shapes to another's: rounds accumulate; a measured round outranks a skip or a failure."""
    for key, entry in more.items():
        target = into.setdefault(key, {"rounds": []})
        target["rounds"] += entry["rounds"]
        for outcome in ("skipped", "failed"):
            if outcome in entry and not target["rounds"]:
                target[outcome] = entry[outcome]
        if target["rounds"]:
            target.pop("skipped", None)
            target.pop("failed", None)
    return into


def check_same(settings, args, where):
    differ = [k for k in SAME_IN_EVERY_RUN if settings["args"].get(k) != getattr(args, k)]
    if differ:
        raise SystemExit(f"scaling.py: {where} was run with other " + ", ".join(
            f"--{k.replace('_', '-')} ({settings['args'].get(k)!r}, here {getattr(args, k)!r})" for k in differ))


def merge(args):
    """--merge: the table, notes and plots of several runs' shapes, measuring nothing."""
    dirs = [d for d in args.merge.split(",") if d]
    first, results = read_run(dirs[0])
    for k in SAME_IN_EVERY_RUN:
        setattr(args, k, first["args"][k])
    for d in dirs[1:]:
        settings, more = read_run(d)
        check_same(settings, args, d)
        join_results(results, more)
    # the grid's axes are what the runs hold, in the usual order
    args.cells = [c for c in GATES if any(k[0] == c for k in results)]
    args.hidden, args.steps, args.batch = (sorted({k[i] for k in results}) for i in (1, 2, 3))
    args.rounds = max((len(e["rounds"]) for e in results.values()), default=1)
    args.quick = first["args"].get("quick", False)
    peak = float(args.fma_peak) if args.fma_peak not in ("auto", "none") else first.get("fma_peak_gflops")
    loads = [x for d in dirs for x in read_run(d)[0].get("loads", [])] + [
        r["load"] for e in results.values() for r in e["rounds"]]
    header = first["header"] + f"; merged from {len(dirs)} run(s): " + ", ".join(os.path.basename(d) for d in dirs)
    return first["cpu"], peak, "", header, results, loads


# ---------------------------------------------------------------- main

def main(argv):
    args = parse_args(argv)
    if args.pytorch_worker:
        pytorch_worker(args.pytorch_worker)
        return 0
    if args.merge and args.resume:
        print("scaling.py: --merge or --resume, not both", file=sys.stderr)
        return 2
    if args.merge and not args.out:
        print("scaling.py: --merge needs --out (where the merged table goes)", file=sys.stderr)
        return 2
    out = args.resume or args.out or os.path.join(ROOT, "bench", "results", time.strftime("scaling-%Y%m%d-%H%M%S")
                                                  + ("-quick" if args.quick else ""))
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "runs.log")
    shapes_path = os.path.join(out, "shapes.jsonl")
    if args.merge:
        cpu, peak, peak_text, header, results, loads = merge(args)
        print(header, flush=True)
    else:
        if not args.no_build and args.classpath == JAR:
            print("building benchmarks/target/benchmarks.jar ...", file=sys.stderr, flush=True)
            b = subprocess.run(["mvn", "-q", "-B", "-o", "-Dstyle.color=never", "package", "-pl", "benchmarks", "-am",
                                "-DskipTests"], cwd=ROOT, capture_output=True, text=True)
            if b.returncode:
                print(b.stdout + b.stderr, file=sys.stderr)
                print("scaling.py: the build failed (output above)", file=sys.stderr)
                return 1
        results = {}
        if args.resume:
            settings, results = read_run(out)
            check_same(settings, args, out)
            cpu, peak, peak_text = settings["cpu"], settings["fma_peak_gflops"], settings["fma_peak_output"]
            if args.fma_peak not in ("auto", "none"):
                peak = float(args.fma_peak)
        else:
            cpu = cpu_info()
            peak, peak_text = fma_peak(args.fma_peak, out)
        header = (f"CPU: {cpu['model']} ({cpu['vendor_family']}, AVX-512 {'yes' if cpu['avx512'] else 'no'}, "
                  f"L2 {cpu['l2_bytes'] // 1024 if cpu['l2_bytes'] else '?'} KiB); FMA peak one core: "
                  f"{f'{peak:.0f} GFLOP/s' if peak else 'not measured'}; threads {args.threads}; layers {args.layers}; "
                  f"{'QUICK smoke run, not a measurement' if args.quick else 'measurement'}; clock {args.clock}; "
                  f"load before {load():.1f}"
                  f"{'; PyTorch with flush-to-zero (torch.set_flush_denormal)' if args.pytorch_flush_denormal else ''}")
        print(header + (f"; resuming {out} ({sum(len(e['rounds']) for e in results.values())} rounds there)"
                        if args.resume else ""), flush=True)
        loads = [load()]
        if not args.resume:
            with open(os.path.join(out, "run.json"), "w") as f:
                json.dump({"args": {k: v for k, v in vars(args).items() if k != "pytorch_worker"}, "cpu": cpu,
                           "fma_peak_gflops": peak, "fma_peak_output": peak_text, "header": header,
                           "loads": loads}, f, indent=1)
        for rnd in range(args.rounds):
            for (cell, h, t, b) in shape_order(args):
                key = {"cell": cell, "hidden": h, "steps": t, "batch": b}
                entry = results.setdefault((cell, h, t, b), {"rounds": []})
                if len(entry["rounds"]) > rnd:
                    continue   # measured before this run was resumed
                reason = skip_reason(args, cell, h, t, b)
                if reason:
                    if entry.get("skipped") != reason:
                        entry["skipped"] = reason
                        record(shapes_path, {**key, "skipped": reason})
                    continue
                entry.pop("skipped", None)
                started = time.time()
                try:
                    rec = {"rnnc": [run_rnnc(args, j, cell, h, t, b, log) for j in args.java], "load": load()}
                    if not args.no_pytorch:
                        rec["pytorch"] = run_pytorch(args, cell, h, t, b, log)
                except RuntimeError as e:
                    # one shape that does not run (out of memory, a crash) does not lose the rest of the grid
                    entry["failed"] = str(e)
                    record(shapes_path, {**key, "failed": str(e)})
                    print(f"round {rnd + 1}: {cell} H={h} T={t} B={b}: FAILED: {e}", flush=True)
                    continue
                rec["wall_s"] = time.time() - started
                entry.pop("failed", None)
                entry["rounds"].append(rec)
                record(shapes_path, {**key, "round": rec})
                parts = [f"{x['task']} {fmt_rate(x['samples_per_s'])}" for x in rec["rnnc"][0]["rows"]]
                if not args.no_pytorch:
                    parts += [f"PyTorch {x['task']} {fmt_rate(x['samples_per_s'])}" for x in rec["pytorch"]["rows"]]
                print(f"round {rnd + 1}: {cell} H={h} T={t} B={b}: {', '.join(parts)} samples/s; "
                      f"spec→class {rec['rnnc'][0]['compile']['total_s']:.1f} s; load {rec['load']:.1f}; "
                      f"{rec['wall_s']:.0f} s", flush=True)
                loads.append(rec["load"])
        if args.resume:
            # the table covers the shapes measured before the stop too, whatever this invocation's subset
            args.cells = [c for c in GATES if any(k[0] == c for k in results)]
            args.hidden, args.steps, args.batch = (sorted({k[i] for k in results}) for i in (1, 2, 3))
            loads += [r["load"] for e in results.values() for r in e["rounds"]]
    rows = summarise(args, results, peak)
    text = table(args, rows, False)
    notes = (f"samples/s: medians of the timed windows (and over {args.rounds} round(s)); the ratio is the median "
             "of the per-round ratios (range in brackets), each measured back to back. GFLOP/s counts matmul FLOPs "
             "(training = 3 × forward); 'of FMA peak' divides it by the measured one-core peak. spec→class: parse, "
             "generate, javac in memory and load, in a fresh JVM. spread: (slowest − fastest window) / median, "
             "rnnc side, worst round. (cold): the rnnc JVM's calls still allocated > 16 KB each after the longest "
             "warm-up (90 s more), i.e. some Vector API kernels were not yet compiled by C2: do not trust that row.")
    found = cliffs(rows)
    notes += ("\n\nOff the trend along H (a ratio or GFLOP/s beyond both neighbours by > 1.25×):\n  "
              + "\n  ".join(found) if found else "\n\nOff the trend along H: nothing (> 1.25× beyond both neighbours).")
    print(text + "\n\n" + notes + f"\nload (1-min average) during the run: {min(loads):.1f}–{max(loads):.1f}")
    with open(os.path.join(out, "table.txt"), "w") as f:
        f.write(header + "\n" + text + "\n\n" + notes + "\n")
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(table(args, rows, True) + "\n")
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"cpu": cpu, "fma_peak_gflops": peak, "fma_peak_output": peak_text, "args": {
            k: v for k, v in vars(args).items() if k != "pytorch_worker"}, "loads": loads,
            "shapes": [{"cell": k[0], "hidden": k[1], "steps": k[2], "batch": k[3], **v} for k, v in results.items()],
            "rows": rows}, f, indent=1)
    if not args.no_plot:
        for cell in args.cells:
            print(plot(args, rows, cell, os.path.join(out, f"scaling-{cell}.png"), header))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
