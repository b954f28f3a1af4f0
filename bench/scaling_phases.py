#!/usr/bin/env python3
"""Per-phase split of a generated model's training step from a JFR recording (issue 18, Finding 1).

Reads the jdk.ExecutionSample events of a recording made while `ScalingRun` (or any harness) trained a
generated model, keeps the samples of the last `--last-seconds` (the timed windows, after warm-up), and
charges each sample to the phase of the generated class's line that was running: the generated source
(`./rnnc compile SPEC -d DIR`) says what each line does. Sample fractions survive a loaded machine better
than wall times. Usage:

    java --add-modules jdk.incubator.vector -XX:StartFlightRecording:filename=lstm512.jfr,settings=profile \\
        -cp benchmarks/target/benchmarks.jar io.rnnc.benchmarks.ScalingRun --cell lstm --hidden 512 \\
        --steps 28 --batch 64 --clock cpu --tasks train --warmup-seconds 5 --window-seconds 2 --windows 5
    ./rnnc compile spec.rnn -d src       # the same spec ScalingRun writes (its Shape.spec())
    python3 bench/scaling_phases.py lstm512.jfr src/io/rnnc/scaling/ScaleLstmH512T28B64L2.java --last-seconds 10
"""
import argparse
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\.([\w$<>]+)\((.*)\) line: (\d+)")


def samples(jfr):
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", jfr],
                          check=True, capture_output=True, text=True).stdout
    for block in text.split("jdk.ExecutionSample {")[1:]:
        m = re.search(r"startTime = (\d+):(\d+):([\d.]+)", block)
        t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        frames = [(f.group(1), f.group(2), int(f.group(4))) for f in map(FRAME.match, block.splitlines()) if f]
        yield t, frames


def phase_of_line(text, method):
    """What a generated line does, from its text."""
    s = text.strip()
    if "Forward" in method:
        if "sgemmPadded" in s and "whhT" in s:
            return "fwd: recurrent product h·W_hhᵀ"
        if "sgemmPadded" in s and "wihT" in s:
            return "fwd: input projection x·W_ihᵀ"
        if "gateActivations" in s or "lstmCell(" in s or "gruCell" in s or "Cells." in s:
            return "fwd: cell (activations, c, h)"
        if method.startswith("head"):
            return "head"
        return "fwd: bias fill, copies"
    if "Backward" in method:
        if method.startswith("head"):
            return "head"
        if "CellBackward" in s or "Backward(" in s and "Cells." in s:
            return "bwd: cell backward"
        if "sgemmPadded" in s and "whh" in s:
            return "bwd: recurrence dGates·W_hh"
        if "sgemmByTranspose" in s and "W_IH" in s:
            return "bwd: dW_ih (as its transpose)"
        if "sgemmByTranspose" in s and "W_HH" in s:
            return "bwd: dW_hh (as its transpose)"
        if "Gemm.sgemm(false, false" in s:
            return "bwd: dX = dGates·W_ih"
        if "addTo(dGates" in s or "r < T * n; r++" in s:
            return "bwd: bias sums"
        return "bwd: other (" + s[:40] + ")"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jfr")
    ap.add_argument("source", help="the generated .java of the model that ran")
    ap.add_argument("--last-seconds", type=float, default=10.0)
    ap.add_argument("--leaves", action="store_true", help="also split each phase by its leaf frame")
    args = ap.parse_args()
    lines = open(args.source).read().splitlines()
    cls = None
    for l in lines:
        m = re.match(r"public (?:final )?class (\w+)", l)
        if m:
            cls = m.group(1)
            break
    all_samples = list(samples(args.jfr))
    if not all_samples:
        sys.exit("no samples")
    end = max(t for t, _ in all_samples)
    phases = collections.Counter()
    leaves = collections.defaultdict(collections.Counter)
    total = 0
    for t, frames in all_samples:
        if t < end - args.last_seconds or not frames:
            continue
        total += 1
        phase = None
        for i, (c, meth, line) in enumerate(frames):
            if c.endswith("." + cls) or c == cls:
                phase = phase_of_line(lines[line - 1], meth) if line <= len(lines) else None
                if phase is None:
                    phase = "model: " + meth
                break
            if "optim" in c or "Adam" in c:
                phase = "Adam (optimizer update)"
                break
            if meth == "parametersChanged" or "PackedFloatMatrix.pack" in c + "." + meth:
                phase = "repack weights"
                break
        if phase is None:
            top = frames[0]
            phase = "other: " + top[0].rsplit(".", 1)[-1] + "." + top[1]
            for c, meth, _ in frames:
                if meth == "parametersChanged":
                    phase = "repack weights"
                    break
        phases[phase] += 1
        leaf = frames[0][0].rsplit(".", 1)[-1] + "." + frames[0][1]
        leaves[phase][leaf] += 1
    print(f"{total} samples in the last {args.last_seconds:g} s of {args.jfr}")
    for phase, n in sorted(phases.items(), key=lambda kv: -kv[1]):
        print(f"{100.0 * n / total:6.1f} %  {n:6d}  {phase}")
        if args.leaves:
            for leaf, k in leaves[phase].most_common(4):
                print(f"{'':18}{100.0 * k / n:5.1f} % {leaf}")


if __name__ == "__main__":
    main()
