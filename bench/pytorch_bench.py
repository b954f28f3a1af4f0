#!/usr/bin/python3
"""PyTorch side of rnnc's side-by-side benchmark (issue 7).

Builds the seed MNIST RNN and its LSTM and GRU twins (see rnnc_models.py) and measures, per model:
  train  batch 64 and 256: one training step = zero_grad, forward, loss, backward, Adam step, on each of
         FRESH_BATCHES random batches in turn;
  infer  batch 1 (latency, microseconds per call) and batch 256 (samples/s): no_grad forward + softmax.
Each row: warm-up, then the median over repeated timed windows. GFLOP/s uses issue 7's matmul-FLOP
convention (rnnc_models.forward_flops_per_sample; a training step counts 3 forward passes).

Run with Debian's python and its python3-torch:
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/pytorch_bench.py --threads 1 [--json out.json]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time

TASKS = (("train", 64), ("train", 256), ("infer", 1), ("infer", 256))
# Distinct random batches a training row rotates over, as rnnc's side does (ModelBenchmark.FRESH_BATCHES):
# a network trained on one fixed batch memorises it and the timed windows measure that, not training.
FRESH_BATCHES = 16
# rnnc_models.MODEL_NAMES, repeated here because importing that module loads torch, which must wait until
# the thread settings are in the environment.
MODEL_NAMES = ("rnn", "lstm", "gru")


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Benchmark the seed MNIST RNN and its LSTM/GRU twins in PyTorch (rnnc issue 7).")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads for PyTorch (torch.set_num_threads); default 1")
    p.add_argument("--models", default="rnn,lstm,gru",
                   help="comma-separated subset of rnn,lstm,gru; default all three")
    p.add_argument("--quick", action="store_true",
                   help="short warm-up and windows: a smoke run, not a measurement")
    p.add_argument("--windows", type=int, default=None,
                   help="timed windows per row (default 7, or 3 with --quick)")
    p.add_argument("--window-seconds", type=float, default=None,
                   help="length of one timed window (default 1.0 s, or 0.15 s with --quick)")
    p.add_argument("--seed", type=int, default=0, help="seed for weights and random inputs; default 0")
    p.add_argument("--json", metavar="FILE", help="also write machine-readable results to FILE")
    args = p.parse_args(argv)
    if args.threads < 1:
        p.error(f"--threads must be at least 1, got {args.threads}")
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODEL_NAMES]
    if not models or unknown:
        p.error(f"--models: unknown model(s) {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(MODEL_NAMES)}")
    args.models = list(dict.fromkeys(models))
    args.windows = args.windows or (3 if args.quick else 7)
    args.window_seconds = args.window_seconds or (0.15 if args.quick else 1.0)
    args.warmup_seconds = 0.3 if args.quick else 2.0
    if args.windows < 1 or args.window_seconds <= 0:
        p.error("--windows must be at least 1 and --window-seconds positive")
    return args


def loaded_blas_libraries():
    """Shared libraries in this process whose name says BLAS, so a reference-BLAS fallback is visible."""
    libs = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path)
                if "blas" in name.lower() or "mkl" in name.lower():
                    libs.add(path)
    except OSError:
        pass
    return sorted(libs)


def openblas_info(blas_paths):
    """(core name, thread count) of the loaded OpenBLAS, e.g. ('Cooperlake', 1); None if not loaded."""
    import ctypes
    for path in blas_paths:
        if "libopenblas" in os.path.basename(path):
            try:
                lib = ctypes.CDLL(path)
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads()
            except (OSError, AttributeError):
                return None
    return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def time_calls(fn, warmup_seconds, window_seconds, windows):
    """Warm up, then time `windows` windows of a fixed call count; returns seconds per call per window."""
    calls, start = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - start < warmup_seconds:
        fn()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    n = max(1, round(window_seconds / per_call))
    result = []
    for _ in range(windows):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        result.append((time.perf_counter() - t0) / n)
    return result


def bench_model(torch, cell, args):
    import rnnc_models
    torch.manual_seed(args.seed)
    model, loss_fn, optimizer = rnnc_models.build(cell)
    rows = []
    for task, batch in TASKS:
        gen = torch.Generator().manual_seed(args.seed + batch)
        x = torch.rand(batch, rnnc_models.SEQUENCE_LENGTH, rnnc_models.INPUT_SIZE, generator=gen)
        if task == "train":
            data = [(x, torch.randint(0, rnnc_models.NUM_CLASSES, (batch,), generator=gen))]
            data += [(torch.rand(batch, rnnc_models.SEQUENCE_LENGTH, rnnc_models.INPUT_SIZE, generator=gen),
                      torch.randint(0, rnnc_models.NUM_CLASSES, (batch,), generator=gen))
                     for _ in range(FRESH_BATCHES - 1)]
            turn = [0]
            model.train()

            def step():
                xb, yb = data[turn[0]]
                turn[0] = (turn[0] + 1) % len(data)
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()
            flops = rnnc_models.train_flops_per_sample(cell)
        else:
            model.eval()

            def step():
                with torch.no_grad():
                    torch.softmax(model(x), dim=1)
            flops = rnnc_models.forward_flops_per_sample(cell)
        per_call = time_calls(step, args.warmup_seconds, args.window_seconds, args.windows)
        median = statistics.median(per_call)
        rows.append({
            "model": cell, "task": task, "batch": batch, "threads": args.threads,
            "samples_per_s": batch / median,
            "best_samples_per_s": batch / min(per_call),
            "gflops": flops * batch / median / 1e9,
            "latency_us": median * 1e6,
            "flops_per_sample": flops,
            "windows": len(per_call),
            "spread_pct": 100.0 * (max(per_call) - min(per_call)) / median,
        })
        print_row(rows[-1])
    return rows


HEADER = f"{'model':<6} {'task':<6} {'batch':>5} {'thr':>3} {'samples/s':>11} {'GFLOP/s':>8} " \
         f"{'us/call':>10} {'best/s':>9} {'spread':>7}"


def print_row(r):
    print(f"{r['model']:<6} {r['task']:<6} {r['batch']:>5} {r['threads']:>3} {r['samples_per_s']:>11,.0f} "
          f"{r['gflops']:>8.1f} {r['latency_us']:>10,.0f} {r['best_samples_per_s']:>9,.0f} {r['spread_pct']:>6.1f}%", flush=True)


def write_json_atomically(path, document):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".pytorch_bench.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    args = parse_args(argv)
    if args.json:
        directory = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
            print(f"error: --json {args.json}: directory {directory} does not exist or is not writable",
                  file=sys.stderr)
            return 1
    # Both must be in the environment before torch (and its OpenMP and OpenBLAS) load. PASSIVE stops idle
    # OpenMP threads spinning, which on a shared machine stalled 2-thread PyTorch ~60x per step.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # torch.set_num_threads does not reach OpenBLAS's own thread pool (it would use every core), so
    # --threads sets both.
    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    assert "torch" not in sys.modules, "torch was loaded before its thread settings"
    import torch
    import rnnc_models
    assert rnnc_models.MODEL_NAMES == MODEL_NAMES
    torch.set_num_threads(args.threads)

    blas = loaded_blas_libraries()
    openblas = openblas_info(blas)
    meta = {
        "torch": torch.__version__, "python": platform.python_version(), "cpu": cpu_model(),
        "threads": args.threads, "torch_num_threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas_libraries": blas,
        "openblas_core": openblas[0] if openblas else None,
        "openblas_threads": openblas[1] if openblas else None, "quick": args.quick, "windows": args.windows,
        "window_seconds": args.window_seconds, "warmup_seconds": args.warmup_seconds, "seed": args.seed,
        "fresh_batches": FRESH_BATCHES,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    print(f"PyTorch {meta['torch']} on {meta['cpu']}; threads {meta['torch_num_threads']}; "
          f"OMP_WAIT_POLICY={meta['omp_wait_policy']}; "
          f"{'quick smoke run' if args.quick else 'measurement'}: warm-up {args.warmup_seconds:g} s, "
          f"median of {args.windows} windows of {args.window_seconds:g} s")
    print("BLAS: " + (", ".join(blas) or "none found")
          + (f" (OpenBLAS core {openblas[0]}, {openblas[1]} thread(s))" if openblas else ""))
    if not any("openblas" in b.lower() or "mkl" in b.lower() for b in blas):
        print("warning: OpenBLAS is not loaded; PyTorch falls back to the reference BLAS (~10x slower). "
              "Install it: apt-get install -y libopenblas0-pthread", file=sys.stderr)
    print(HEADER, flush=True)
    rows = []
    for cell in args.models:
        rows.extend(bench_model(torch, cell, args))
    if args.json:
        write_json_atomically(args.json, {"tool": "pytorch", "meta": meta, "rows": rows})
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
