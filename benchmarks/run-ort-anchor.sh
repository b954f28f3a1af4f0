#!/usr/bin/env bash
# Issue 18, item 6: the seed model and its LSTM twin at batch 1 and 256, through rnnc's generated class and
# through ONNX Runtime's Java API on the exported model (same weights), one thread each, alternating windows
# in one JVM (benchmarks/src/test/java/io/rnnc/benchmarks/OrtAnchor.java). A tool, not a test.
#   benchmarks/run-ort-anchor.sh [--windows K] [--window-seconds S] [--warmup-seconds W] [--models rnn,lstm,gru]
# JAVA_HOME picks the JDK (default: java on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
# one reactor build, so that rnnc's own modules resolve to their target/classes (never ~/.m2)
mvn -B -o -q -pl benchmarks -am test-compile dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/ort-anchor.classpath -Dmdep.includeScope=test >/dev/null
cp="benchmarks/target/test-classes:benchmarks/target/classes:$(cat benchmarks/target/ort-anchor.classpath)"
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
exec "$JAVA" --add-modules jdk.incubator.vector -Drnnc.root="$PWD" -cp "$cp" io.rnnc.benchmarks.OrtAnchor "$@"
