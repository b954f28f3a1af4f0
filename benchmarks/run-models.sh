#!/usr/bin/env bash
# Builds the benchmarks jar and runs ModelBenchmark (the seed MNIST RNN and its LSTM and GRU twins:
# training at batch 64 and 256, inference at batch 1 and 256), then prints one line per row with
# samples/s and GFLOP/s (matmul FLOPs, see docs/performance.md).
#
# Usage: benchmarks/run-models.sh [--quick] [--threads N] [--json FILE] [-- extra JMH options]
#   --quick      1 warm-up and 2 measured iterations of 0.3 s: checks the harness, not a measurement
#   --threads N  the model's thread count (RnnModel.setThreads); default: both 1 and 2
#   --json FILE  also write the rows (bench/pytorch_bench.py's row format)
# The raw JMH output goes to benchmarks/target/models-jmh.{json,log}.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
threads=""
rows_json=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --threads)
      [ $# -ge 2 ] || { echo "run-models.sh: --threads needs a value" >&2; exit 1; }
      threads="$2"; shift 2 ;;
    --json)
      [ $# -ge 2 ] || { echo "run-models.sh: --json needs a file" >&2; exit 1; }
      rows_json="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-models.sh: unknown option '$1' (see --help)" >&2; exit 1 ;;
  esac
done
if [ -n "$threads" ] && ! [[ "$threads" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-models.sh: --threads must be a whole number of 1 or more, got '$threads'" >&2
  exit 1
fi

if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
echo "building benchmarks/target/benchmarks.jar ..." >&2
build_log="$(mktemp "${TMPDIR:-/tmp}/rnnc-bench-build.XXXXXX")"
if ! mvn -q -B -o -Dstyle.color=never package -pl benchmarks -am -DskipTests >"$build_log" 2>&1; then
  cat "$build_log" >&2
  rm -f "$build_log"
  echo "run-models.sh: the build failed (output above)" >&2
  exit 1
fi
rm -f "$build_log"

jmh_json="benchmarks/target/models-jmh.json"
jmh_log="benchmarks/target/models-jmh.log"
opts=(-rf json -rff "$jmh_json")
[ -n "$threads" ] && opts+=(-p "threads=$threads")
[ "$quick" = 1 ] && opts+=(-wi 1 -w 300ms -i 2 -r 300ms)
echo "running ModelBenchmark (JMH log: $jmh_log) ..." >&2
# the model's own threads do the work; JMH itself runs one benchmark thread
"$JAVA" --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar 'ModelBenchmark' -t 1 \
    "${opts[@]}" ${extra[@]+"${extra[@]}"} >"$jmh_log" 2>&1 || { tail -n 40 "$jmh_log" >&2; exit 1; }
grep -ho 'note: .*' "$jmh_log" | sort -u >&2 || true
echo >&2
if [ -n "$rows_json" ]; then
  python3 benchmarks/jmh_rows.py "$jmh_json" --json "$rows_json"
else
  python3 benchmarks/jmh_rows.py "$jmh_json"
fi
