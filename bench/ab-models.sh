#!/usr/bin/env bash
# A/B of two builds of rnnc on the same machine in the same run: ModelBenchmark from two benchmarks jars,
# interleaved round by round (A, B, A, B, ...), so that load and clock drift hit both alike. Prints, per
# row, each side's median samples/s and the ratio B/A as the median of the per-round ratios with its range.
#
# Usage: bench/ab-models.sh A.jar B.jar [--rounds R] [--bench REGEX] [-- extra JMH options]
#   A.jar, B.jar  benchmarks/target/benchmarks.jar of two builds (e.g. the last release and today's main;
#                 build one from a worktree: mvn -q -B package -pl benchmarks -am -DskipTests)
#   --rounds R    rounds (default 3)
#   --bench REGEX JMH benchmark selector (default 'ModelBenchmark.train', training rows)
# Threads: one (-p threads=1) unless the extra options say otherwise. Results: bench/results/ab-<date>/.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 1; }
a="$1"; b="$2"; shift 2
rounds=3
bench='ModelBenchmark.train'
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "ab-models.sh: unknown option '$1'" >&2; exit 1 ;;
  esac
done
for j in "$a" "$b"; do
  [ -f "$j" ] || { echo "ab-models.sh: no such jar: $j" >&2; exit 1; }
done
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
out="bench/results/ab-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "A = $a" | tee "$out/info.txt"
echo "B = $b" | tee -a "$out/info.txt"
grep -m1 'model name' /proc/cpuinfo | tee -a "$out/info.txt"
for ((r = 1; r <= rounds; r++)); do
  for side in A B; do
    jar="$a"; [ "$side" = B ] && jar="$b"
    echo "== round $r of $rounds: $side ($(uptime | sed 's/.*load/load/'))" >&2
    "$JAVA" --add-modules jdk.incubator.vector -jar "$jar" "$bench" -t 1 -p threads=1 \
        -rf json -rff "$out/$side-$r.json" ${extra[@]+"${extra[@]}"} > "$out/$side-$r.log" 2>&1 \
        || { tail -n 30 "$out/$side-$r.log" >&2; exit 1; }
  done
done
python3 - "$out" "$rounds" <<'PY' | tee "$out/table.txt"
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rows(path):
    res = {}
    for e in json.load(open(path)):
        p = e.get("params", {})
        key = e["benchmark"].split(".")[-1] + " " + " ".join(f"{k}={v}" for k, v in sorted(p.items()))
        res[key] = (e["primaryMetric"]["score"], e["primaryMetric"]["scoreUnit"])
    return res
A = [rows(f"{out}/A-{r}.json") for r in range(1, rounds + 1)]
B = [rows(f"{out}/B-{r}.json") for r in range(1, rounds + 1)]
print(f"{'row':44} {'A median':>12} {'B median':>12}  B/A median (range), higher = B faster")
for key in A[0]:
    a = [x[key][0] for x in A]
    b = [x[key][0] for x in B]
    unit = A[0][key][1]
    # throughput: B/A; time per op: A/B, so that > 1 always means B is faster
    ratios = [(bi / ai) if "/s" in unit else (ai / bi) for ai, bi in zip(a, b)]
    print(f"{key:44} {statistics.median(a):12.1f} {statistics.median(b):12.1f}  "
          f"{statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})  [{unit}]")
PY
echo "results: $out"
