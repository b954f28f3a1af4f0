#!/usr/bin/env bash
# rnnc and PyTorch back to back, same models, same thread count, one table.
#
# Usage: bench/side-by-side.sh [--threads N] [--rounds R] [--quick]
#   --threads N  threads for both sides (rnnc: RnnModel.setThreads; PyTorch: torch.set_num_threads and
#                OpenBLAS); default 1
#   --rounds R   R rounds of rnnc then PyTorch (default 1); the table gives each ratio as the median of
#                the per-round ratios and their range: on a shared, noisy machine one round can be 10-30 % off
#   --quick      smoke run of both harnesses (seconds, not a measurement)
# Writes bench/results/<date>-t<N>[-quick]/ (gitignored): rnnc.json, pytorch.json (rnnc-R.json,
# pytorch-R.json, jmh-R.* for rounds after the first), jmh.json, jmh.log, table.txt, table.md, and the
# load (uptime) before, between and after each side. Full round: about 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

threads=1
rounds=1
quick=()
while [ $# -gt 0 ]; do
  case "$1" in
    --threads)
      [ $# -ge 2 ] || { echo "side-by-side.sh: --threads needs a value" >&2; exit 1; }
      threads="$2"; shift 2 ;;
    --rounds)
      [ $# -ge 2 ] || { echo "side-by-side.sh: --rounds needs a value" >&2; exit 1; }
      rounds="$2"; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
  esac
done
if ! [[ "$threads" =~ ^[1-9][0-9]*$ ]]; then
  echo "side-by-side.sh: --threads must be a whole number of 1 or more, got '$threads'" >&2
  exit 1
fi
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "side-by-side.sh: --rounds must be a whole number of 1 or more, got '$rounds'" >&2
  exit 1
fi
PY=/usr/bin/python3   # Debian's interpreter sees python3-torch (see bench/README.md)
[ -x "$PY" ] || PY=python3

out="bench/results/$(date +%Y%m%d-%H%M%S)-t$threads${quick:+-quick}"
mkdir -p "$out"
{ echo "before: $(uptime)"; } | tee "$out/load.txt"

pairs=()
for ((r = 1; r <= rounds; r++)); do
  suffix=""
  [ "$r" -gt 1 ] && suffix="-$r"
  echo "== rnnc (JMH), round $r of $rounds ==" >&2
  benchmarks/run-models.sh --threads "$threads" ${quick[@]+"${quick[@]}"} --json "$out/rnnc$suffix.json"
  cp benchmarks/target/models-jmh.json "$out/jmh$suffix.json"
  cp benchmarks/target/models-jmh.log "$out/jmh$suffix.log"
  echo "between (round $r): $(uptime)" | tee -a "$out/load.txt"

  echo "== PyTorch, round $r of $rounds ==" >&2
  OMP_WAIT_POLICY=PASSIVE "$PY" bench/pytorch_bench.py --threads "$threads" ${quick[@]+"${quick[@]}"} \
      --json "$out/pytorch$suffix.json"
  [ "$r" -lt "$rounds" ] && echo "after round $r: $(uptime)" | tee -a "$out/load.txt"
  pairs+=("$out/rnnc$suffix.json" "$out/pytorch$suffix.json")
done

echo "after:  $(uptime)" | tee -a "$out/load.txt"
"$PY" bench/side_by_side.py "${pairs[@]}" --markdown > "$out/table.md"
{
  if [ ${#quick[@]} -gt 0 ]; then
    echo "QUICK RUN: a smoke test of both harnesses (a fraction of a second per row, cold JIT) — not a measurement"
  fi
  "$PY" bench/side_by_side.py "${pairs[@]}"
} | tee "$out/table.txt"
echo
echo "results: $out"
