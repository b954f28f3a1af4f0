#!/usr/bin/env bash
# Inference cost of the generated class vs ONNX Runtime on the same model and weights, batch 1 and 64,
# one thread each, in one run (alternating windows, medians). Not a test: a tool for docs/deploy.md.
#   rnnc-onnx/timing.sh [SPEC...] [--windows K] [--window-seconds S] [--warmup-seconds W]
# Default specs: the three MNIST sample models and the character LSTM.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -o -q -pl rnnc-onnx -am test-compile -DskipTests
mvn -B -o -q -pl rnnc-onnx dependency:build-classpath -Dmdep.outputFile=target/timing.classpath \
    -Dmdep.includeScope=test >/dev/null
cp="rnnc-onnx/target/test-classes:rnnc-onnx/target/classes:compiler/target/classes:runtime/target/classes:grammar/target/classes:$(cat rnnc-onnx/target/timing.classpath)"
args=("$@")
if [ ${#args[@]} -eq 0 ] || [[ "${args[0]}" == --* ]]; then
    args=(samples/mnist/mnist_rnn.rnn samples/mnist/mnist_lstm.rnn samples/mnist/mnist_gru.rnn samples/specs/char_lstm.rnn "${args[@]}")
fi
exec java --add-modules jdk.incubator.vector -cp "$cp" io.rnnc.onnx.OnnxCostTiming "${args[@]}"
