#!/usr/bin/env bash
# Batch-1 latency against this machine's L2-read floor, and the step API (issue 18 item 2): LatencyRun, one
# measurement per JVM (see LatencyRun.main). Needs the module compiled (mvn -o -q -pl benchmarks -am compile).
# Usage: benchmarks/run-latency.sh [READ_GBPS PROJECTION_GFLOPS]  (the floor's rates; measure them with the probe rows)
set -euo pipefail
cd "$(dirname "$0")/.."
CP=benchmarks/target/classes:runtime/target/classes:compiler/target/classes:grammar/target/classes
CP=$CP:$HOME/.m2/repository/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar
run() { java --add-modules jdk.incubator.vector -cp "$CP" io.rnnc.benchmarks.LatencyRun --warmup-seconds 3 \
  --window-seconds 0.5 --windows 5 "$@" 2>&1 | grep -v '^WARNING'; }
for cell in rnn lstm gru; do
  for part in read read-other read-both recurrent projection; do run --cells $cell --only $part; done
done
for cell in rnn lstm gru; do run --cells $cell --only model --read-gbps "${1:-0}" --projection-gflops "${2:-0}"; done
