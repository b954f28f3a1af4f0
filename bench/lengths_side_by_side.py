#!/usr/bin/python3
"""What per-sample lengths cost (issue 13's figures; issue 18 item 4), rnnc and PyTorch in the same run.

Two many_to_one models, each trained one step at a time on one batch of random data:
  seed    samples/mnist/mnist_rnn.rnn: 28 inputs, 2 x 100 tanh RNN, 28 steps, batch 64
  bilstm  64 inputs, 2 x 128 bidirectional LSTM, 64 steps, batch 64 (the spec is written to the results)
in three variants, every one timed in the same process window by window in turn:
  fixed   no lengths (rnnc's fixed-length path; PyTorch on the padded tensor, no packing)
  full    every length = T (rnnc's lengths path; PyTorch pack_padded_sequence(enforce_sorted=False))
  drawn   lengths uniform in 1..T, 8 batches' worth drawn once (--seed) and cycled, the same on both sides
rnnc's side is benchmarks' LengthsRun on the class `rnnc compile` writes (compiled with javac here); PyTorch's
is a worker process of this script (Debian's /usr/bin/python3, one thread, OMP_WAIT_POLICY=PASSIVE,
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment only). One round = rnnc then PyTorch
for each model; --rounds R repeats that, and every ratio is the median of the per-round ratios (range).
Windows are timed in the calling thread's CPU time by default (--clock cpu): on a shared, loaded machine
that leaves out the time a one-thread step waits for a core.

  bench/lengths_side_by_side.py --rounds 3            # the figures in docs/performance.md (~15 min)
  bench/lengths_side_by_side.py --quick               # a smoke run of both sides (~2 min), not a measurement
Results (table.txt, table.md, results.json, runs.log) go to bench/results/lengths-<date>/.
"""

import argparse
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RNNC_JAR = os.path.join(ROOT, "cli", "target", "rnnc.jar")
TEST_CLASSES = os.path.join(ROOT, "benchmarks", "target", "test-classes")
MAIN_CLASSES = os.path.join(ROOT, "benchmarks", "target", "classes")
VARIANTS = ("fixed", "full", "drawn")
CLASSES = 10

# name -> (spec file or None = written here, cell, inputs, hidden, layers, bidirectional, steps, batch)
MODELS = {
    "seed": ("samples/mnist/mnist_rnn.rnn", "rnn", 28, 100, 2, False, 28, 64),
    "bilstm": (None, "lstm", 64, 128, 2, True, 64, 64),
}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}

BILSTM_SPEC = """# A bidirectional LSTM classifier (bench/lengths_side_by_side.py): 2 x 128 each way, 64 steps.
package io.rnnc.lenperf

model BiLstm {
    input 64
    sequence 64 many_to_one
    lstm 128 bidirectional
    lstm 128 bidirectional
    dense 10 softmax
    loss cross_entropy
    optimizer adam lr=0.001
    batch 64
}
"""


def parse_args(argv):
    p = argparse.ArgumentParser(description="per-sample lengths: rnnc vs PyTorch packed sequences, same run")
    p.add_argument("--models", default="seed,bilstm", help="seed and/or bilstm (default both)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of (rnnc, PyTorch) per model (default 3)")
    p.add_argument("--quick", action="store_true", help="short warm-up and windows: a smoke run")
    p.add_argument("--warmup-seconds", type=float, help="warm-up of each process (default 5, quick 0.5)")
    p.add_argument("--window-seconds", type=float, help="one timed window per variant (default 1, quick 0.1)")
    p.add_argument("--windows", type=int, help="timed windows per variant (default 5, quick 2)")
    p.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                   help="time windows in the calling thread's CPU time (default) or wall time, both sides")
    p.add_argument("--seed", type=int, default=1, help="seeds the drawn lengths (default 1)")
    p.add_argument("--draws", type=int, default=8, help="batches of lengths drawn and cycled (default 8)")
    p.add_argument("--fma-peak", default="auto", help="one core's FMA GFLOP/s: a number, 'auto' (build and run "
                   "fma_peak.c) or 'none'")
    p.add_argument("--no-build", action="store_true", help="use cli/target/rnnc.jar and benchmarks/target as they are")
    p.add_argument("--out", help="results directory (default bench/results/lengths-<date>)")
    p.add_argument("--from-log", metavar="DIR", help="no measuring: the table of the rounds a run in DIR completed "
                   "(from its runs.log, e.g. after stopping a long run)")
    p.add_argument("--pytorch-worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(",") if m.strip()]
    if not a.models or any(m not in MODELS for m in a.models):
        p.error("--models: seed and/or bilstm")
    if a.rounds < 1:
        p.error("--rounds must be 1 or more")
    a.warmup_seconds = a.warmup_seconds if a.warmup_seconds is not None else (0.5 if a.quick else 5.0)
    a.window_seconds = a.window_seconds or (0.1 if a.quick else 1.0)
    a.windows = a.windows or (2 if a.quick else 5)
    return a


# ---------------------------------------------------------------- the machine

def cpu_name():
    model, family = platform.processor() or "unknown", "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k.strip() == "model name":
                    model = v.strip()
                elif k.strip() == "cpu family" and family == "?":
                    family = v.strip()
    except OSError:
        pass
    return f"{model} (cpu family {family})"


def fma_peak(setting, out):
    if setting == "none":
        return None
    if setting != "auto":
        return float(setting)
    src = next((c for c in (os.path.join(ROOT, "..", "shared", "tools", "fma_peak.c"), "/work/shared/tools/fma_peak.c")
                if os.path.isfile(c)), None)
    if src is None:
        return None
    exe = os.path.join(out, "fma_peak")
    if subprocess.run(["gcc", "-O2", "-march=native", "-o", exe, src, "-lpthread"], capture_output=True).returncode:
        return None
    text = subprocess.run([exe], capture_output=True, text=True).stdout
    with open(os.path.join(out, "fma_peak.txt"), "w") as f:
        f.write(text)
    found = [float(m.group(1)) for m in re.finditer(r"threads=1\s+median ([0-9.]+) GFLOP/s", text)]
    return max(found) if found else None


def load():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def train_flops(name, lengths):
    """Matmul FLOPs of one training step per sample (docs/performance.md's convention), over the valid steps."""
    _, cell, inputs, hidden, layers, bidir, _, _ = MODELS[name]
    dirs = 2 if bidir else 1
    per_step = sum(2 * ((inputs if l == 0 else dirs * hidden) + hidden) * GATES[cell] * hidden * dirs
                   for l in range(layers))
    return 3 * (per_step * statistics.mean(lengths) + 2 * dirs * hidden * CLASSES)


# ---------------------------------------------------------------- rnnc's side

def build(log):
    cmd = ["mvn", "-q", "-B", "-o", "-Dstyle.color=never", "package", "-DskipTests", "-Drnnc.skipJavadoc=true",
           "-pl", "cli,benchmarks", "-am"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}\n")
    if r.returncode:
        raise RuntimeError(f"the build failed; see {log}")


def compile_model(name, out, log):
    """rnnc compile SPEC -> javac; returns (class path entry, fully qualified class name)."""
    spec = MODELS[name][0]
    if spec is None:
        spec = os.path.join(out, "BiLstm.rnn")
        with open(spec, "w") as f:
            f.write(BILSTM_SPEC)
    else:
        spec = os.path.join(ROOT, spec)
    src, classes = os.path.join(out, "gen", name, "src"), os.path.join(out, "gen", name, "classes")
    os.makedirs(classes, exist_ok=True)
    for cmd in (["java", "-jar", RNNC_JAR, "compile", spec, "-d", src], None):
        if cmd is None:
            sources = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".java")]
            cmd = ["javac", "--add-modules", "jdk.incubator.vector", "-nowarn", "-cp", RNNC_JAR, "-d", classes, *sources]
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        with open(log, "a") as f:
            f.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}\n")
        if r.returncode:
            raise RuntimeError(f"{' '.join(cmd[:3])} failed on {spec}; see {log}")
    main = next(s for s in sources if not s.endswith("Benchmark.java"))
    text = open(main).read()
    package = re.search(r"^package ([\w.]+);", text, re.M).group(1)
    return classes, package + "." + os.path.basename(main)[:-5]


def run_rnnc(args, classes, fqn, lengths_file, log):
    cp = os.pathsep.join([TEST_CLASSES, MAIN_CLASSES, RNNC_JAR, classes])
    cmd = ["java", "--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g", "-cp", cp,
           "io.rnnc.benchmarks.LengthsRun", "--class", fqn, "--variants", ",".join(VARIANTS),
           "--lengths-file", lengths_file, "--warmup-seconds", str(args.warmup_seconds),
           "--window-seconds", str(args.window_seconds), "--windows", str(args.windows), "--clock", args.clock]
    return run_json(cmd, os.environ, log)


def run_json(cmd, env, log):
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stderr}{r.stdout}\n")
    line = next((l for l in r.stdout.splitlines() if l.startswith("{")), None)
    if r.returncode or line is None:
        raise RuntimeError(f"{cmd[0]} failed (exit {r.returncode}); see {log}")
    return json.loads(line)


# ---------------------------------------------------------------- PyTorch's side

def run_pytorch(args, name, lengths_file, log):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env.update(OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    spec = json.dumps({"model": name, "lengths_file": lengths_file, "warmup": args.warmup_seconds,
                       "window": args.window_seconds, "windows": args.windows, "clock": args.clock})
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    return run_json([python, os.path.abspath(__file__), "--pytorch-worker", spec], env, log)


def pytorch_worker(spec):
    """The three variants of one model in PyTorch, in turn window by window; prints one JSON line."""
    s = json.loads(spec)
    import torch
    from torch import nn
    from torch.nn.utils.rnn import pack_padded_sequence
    torch.set_num_threads(1)
    torch.manual_seed(0)
    _, cell, inputs, hidden, layers, bidir, steps, batch = MODELS[s["model"]]
    kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    rnn = kind(inputs, hidden, layers, batch_first=True, bidirectional=bidir)
    fc = nn.Linear(2 * hidden if bidir else hidden, CLASSES)
    params = list(rnn.parameters()) + list(fc.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(batch, steps, inputs, generator=gen)
    y = torch.randint(0, CLASSES, (batch,), generator=gen)
    drawn = [torch.tensor(row, dtype=torch.int64) for row in read_lengths(s["lengths_file"])]
    full = torch.full((batch,), steps, dtype=torch.int64)
    nxt = [0]

    def step(lengths):
        optimizer.zero_grad()
        # zero initial state, passed explicitly as rnnc's bench models do; the head reads h_n: the last
        # (valid) step forward, and the backward direction after step 0 (cat(h_n[-2], h_n[-1]))
        h0 = torch.zeros(layers * (2 if bidir else 1), batch, hidden)
        state = (h0, torch.zeros_like(h0)) if cell == "lstm" else h0
        seq = x if lengths is None else pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = rnn(seq, state)
        h_n = h_n[0] if cell == "lstm" else h_n
        last = torch.cat((h_n[-2], h_n[-1]), dim=1) if bidir else h_n[-1]
        loss_fn(fc(last), y).backward()
        optimizer.step()

    def drawn_step():
        step(drawn[nxt[0]])
        nxt[0] = (nxt[0] + 1) % len(drawn)

    calls = {"fixed": lambda: step(None), "full": lambda: step(full), "drawn": drawn_step}
    clock = time.thread_time if s["clock"] == "cpu" else time.perf_counter
    per_call = {}
    start = time.perf_counter()
    while True:
        for v in VARIANTS:
            n, t0, w0 = 0, clock(), time.perf_counter()
            while n < 3 or time.perf_counter() - w0 < 0.25:
                calls[v]()
                n += 1
            per_call[v] = (clock() - t0) / n
        if time.perf_counter() - start >= s["warmup"]:
            break
    cycle = len(drawn)
    counts = {v: cycle * max(1, round(s["window"] / per_call[v] / cycle)) for v in VARIANTS}
    seconds = {v: [] for v in VARIANTS}
    for w in range(s["windows"]):
        for k in range(len(VARIANTS)):
            v = VARIANTS[(w + k) % len(VARIANTS)]
            nxt[0] = 0
            t0 = clock()
            for _ in range(counts[v]):
                calls[v]()
            seconds[v].append((clock() - t0) / counts[v])
    print(json.dumps({"tool": "pytorch", "model": s["model"], "torch": torch.__version__, "threads_used": torch.get_num_threads(),
                      "clock": s["clock"], "variants": {v: {"seconds_per_call": seconds[v],
                                                             "calls_per_window": counts[v]} for v in VARIANTS}}))


def read_lengths(path):
    with open(path) as f:
        return [[int(v) for v in line.split(",")] for line in f if line.strip()]


# ---------------------------------------------------------------- summary

def per_window_ratio(num, den):
    """Median over windows of num/den time ratios: windows of one process, adjacent in time, so paired."""
    return statistics.median(a / b for a, b in zip(num, den))


def summarise(args, name, rounds, lengths, peak):
    batch, steps = MODELS[name][7], MODELS[name][6]
    flat = [l for row in lengths for l in row]
    rows, ratios = [], {}
    for side in ("rnnc", "pytorch"):
        for v in VARIANTS:
            sps = [batch / statistics.median(r[side]["variants"][v]["seconds_per_call"]) for r in rounds]
            spread = max(100 * (max(w) - min(w)) / statistics.median(w)
                         for w in (r[side]["variants"][v]["seconds_per_call"] for r in rounds))
            flops = train_flops(name, flat if v == "drawn" else [steps])
            gf = statistics.median(sps) * flops / 1e9
            rows.append({"side": side, "variant": v, "samples_per_s": statistics.median(sps), "range": (min(sps), max(sps)),
                         "gflops": gf, "peak_fraction": gf / peak if peak else None, "spread_pct": spread})

    def ratio(key, per_round):
        vals = [per_round(r) for r in rounds]
        ratios[key] = {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}

    t = lambda r, side, v: r[side]["variants"][v]["seconds_per_call"]
    for side in ("rnnc", "pytorch"):
        # time of a step relative to the fixed path, paired window by window within the process
        ratio(f"{side} full/fixed time", lambda r, s=side: per_window_ratio(t(r, s, "full"), t(r, s, "fixed")))
        ratio(f"{side} drawn/fixed time", lambda r, s=side: per_window_ratio(t(r, s, "drawn"), t(r, s, "fixed")))
    for v in VARIANTS:
        # samples/s of rnnc over PyTorch's, the two processes of one round back to back
        ratio(f"rnnc/pytorch {v}", lambda r, v=v: statistics.median(t(r, "pytorch", v)) / statistics.median(t(r, "rnnc", v)))
    return {"rows": rows, "ratios": ratios, "mean_length": statistics.mean(flat), "steps": steps, "batch": batch}


def fmt_ratio(r, pct=False):
    if pct:
        return f"{100 * (r['median'] - 1):+.1f} % ({100 * (r['min'] - 1):+.1f} to {100 * (r['max'] - 1):+.1f})"
    return f"{r['median']:.2f}× ({r['min']:.2f}–{r['max']:.2f})"


def render(summary, markdown):
    lines = []
    for name, s in summary.items():
        title = {"seed": "seed RNN (2 × 100 tanh, T = 28, batch 64)",
                 "bilstm": "bidirectional LSTM (2 × 128 each way, 64 inputs, T = 64, batch 64)"}[name]
        lines.append(f"{title}; drawn lengths uniform in 1..{s['steps']}, mean {s['mean_length']:.1f}")
        head = ["side", "variant", "samples/s (range over rounds)", "GFLOP/s (valid steps)", "of FMA peak", "spread"]
        body = [[r["side"], r["variant"], f"{r['samples_per_s']:,.0f} ({r['range'][0]:,.0f}–{r['range'][1]:,.0f})",
                 f"{r['gflops']:.1f}", f"{100 * r['peak_fraction']:.0f} %" if r["peak_fraction"] else "—",
                 f"{r['spread_pct']:.0f} %"] for r in s["rows"]]
        ratio_rows = [[k, fmt_ratio(v, pct="full/fixed" in k) if "time" in k and "full" in k else fmt_ratio(v)]
                      for k, v in s["ratios"].items()]
        if markdown:
            lines += ["| " + " | ".join(head) + " |", "|---|---|---:|---:|---:|---:|"]
            lines += ["| " + " | ".join(b) + " |" for b in body]
            lines += ["", "| ratio | median (range) |", "|---|---:|"] + [f"| {a} | {b} |" for a, b in ratio_rows]
        else:
            widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
            lines.append("  ".join(h.ljust(w) for h, w in zip(head, widths)))
            lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths)) for b in body]
            lines += [f"  {a:<28} {b}" for a, b in ratio_rows]
        lines.append("")
    return "\n".join(lines)


def rounds_from_log(out, models):
    """The (rnnc, PyTorch) pairs runs.log holds, per model, in the order they ran; an unpaired last run is dropped."""
    rounds, pending, model = {m: [] for m in models}, {}, None
    with open(os.path.join(out, "runs.log")) as f:
        for line in f:
            if line.startswith("$ "):
                model = next((m for m in models if f'"model": "{m}"' in line
                              or f".{'BiLstm' if m == 'bilstm' else 'MnistRnn'} " in line), None)
            elif line.startswith("{") and model:
                doc = json.loads(line)
                pending.setdefault(model, {})[doc["tool"]] = doc
                if len(pending[model]) == 2:
                    rounds[model].append({**pending.pop(model), "load": float("nan")})
    return rounds


# ---------------------------------------------------------------- main

def main(argv):
    args = parse_args(argv)
    if args.pytorch_worker:
        pytorch_worker(args.pytorch_worker)
        return 0
    if args.from_log:
        out = os.path.abspath(args.from_log)
        rounds = rounds_from_log(out, args.models)
        peak = None if args.fma_peak in ("auto", "none") else float(args.fma_peak)
        summary = {n: summarise(args, n, rounds[n], read_lengths(os.path.join(out, f"lengths-{n}.txt")), peak)
                   for n in args.models if rounds[n]}
        print(", ".join(f"{n}: {len(rounds[n])} round(s)" for n in args.models))
        print(render(summary, False))
        print(render(summary, True))
        return 0
    out = args.out or os.path.join(ROOT, "bench", "results", time.strftime("lengths-%Y%m%d-%H%M%S")
                                   + ("-quick" if args.quick else ""))
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "runs.log")
    loads = [load()]
    try:
        if not args.no_build:
            print("building cli/target/rnnc.jar and benchmarks/target ...", file=sys.stderr, flush=True)
            build(log)
        peak = fma_peak(args.fma_peak, out)
        header = (f"CPU: {cpu_name()}; FMA peak one core {f'{peak:.0f} GFLOP/s' if peak else 'not measured'}; "
                  f"one thread both sides; clock {args.clock}; {args.rounds} round(s); "
                  f"{'QUICK smoke run, not a measurement; ' if args.quick else ''}load before {loads[0]:.1f}")
        print(header, flush=True)
        rng = random.Random(args.seed)
        setup = {}
        for name in args.models:
            steps, batch = MODELS[name][6], MODELS[name][7]
            lengths = [[rng.randint(1, steps) for _ in range(batch)] for _ in range(args.draws)]
            path = os.path.join(out, f"lengths-{name}.txt")
            with open(path, "w") as f:
                f.write("\n".join(",".join(map(str, row)) for row in lengths) + "\n")
            setup[name] = (*compile_model(name, out, log), path, lengths)
        rounds = {name: [] for name in args.models}
        for rnd in range(args.rounds):
            for name in args.models:
                classes, fqn, path, _ = setup[name]
                rec = {"rnnc": run_rnnc(args, classes, fqn, path, log), "pytorch": run_pytorch(args, name, path, log),
                       "load": load()}
                rounds[name].append(rec)
                with open(os.path.join(out, "rounds-partial.json"), "w") as f:
                    json.dump(rounds, f)
                loads.append(rec["load"])
                med = lambda side, v: MODELS[name][7] / statistics.median(rec[side]["variants"][v]["seconds_per_call"])
                print(f"round {rnd + 1} {name}: " + ", ".join(
                    f"{v} rnnc {med('rnnc', v):,.0f} / PyTorch {med('pytorch', v):,.0f}" for v in VARIANTS)
                      + f" samples/s; load {rec['load']:.1f}" + ("" if rec["rnnc"]["warm"] else " (rnnc cold!)"),
                      flush=True)
    except RuntimeError as e:
        print(f"lengths_side_by_side.py: {e}", file=sys.stderr)
        return 1
    summary = {name: summarise(args, name, rounds[name], setup[name][3], peak) for name in args.models}
    notes = ("samples/s: median of the timed windows, then of the rounds. Ratios: 'X/fixed time' is a step's time "
             "with lengths over the fixed path's, paired window by window in one process (median over windows, "
             "then over rounds); 'rnnc/pytorch V' is rnnc's samples/s over PyTorch's for variant V, per round. "
             "GFLOP/s counts matmul FLOPs of the valid steps only (training = 3 × forward). spread: (slowest − "
             f"fastest window) / median, worst round. Load (1-min average) during the run: {min(loads):.1f}–"
             f"{max(loads):.1f}.")
    text = render(summary, False)
    print("\n" + text + "\n" + notes)
    with open(os.path.join(out, "table.txt"), "w") as f:
        f.write(header + "\n\n" + text + "\n" + notes + "\n")
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write(render(summary, True) + "\n")
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"header": header, "args": {k: v for k, v in vars(args).items() if k != "pytorch_worker"},
                   "loads": loads, "rounds": rounds, "summary": summary}, f, indent=1)
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
