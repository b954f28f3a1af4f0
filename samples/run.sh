#!/usr/bin/env bash
# Trains one sample and prints its metric: samples/run.sh SAMPLE [--epochs N] [--seed S] [--threads N]
# [--train-limit N] [--eval-limit N]. SAMPLE: char_lm sunspots births air_passengers g2p names sensor digit_drawer xor.
# Fetches the sample's data first when it is not there (char_lm, g2p), builds the samples' classes (the first run
# takes a minute), then runs io.rnnc.samples.run.SampleRun: the runtime's readers, Trainer and generation on the
# classes rnnc-maven-plugin generated from the sample's spec. Drawings and logs go to rnnc-out/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
sample="${1:-}"
case "$sample" in
  char_lm) [[ -f samples/char_lm/data/dickens-train.txt ]] || samples/char_lm/fetch-data.sh ;;
  g2p) [[ -f samples/g2p/data/train.tsv ]] || samples/g2p/fetch-data.sh ;;
  sunspots|births|air_passengers|names|sensor|digit_drawer|xor) ;;
  *) echo "usage: samples/run.sh SAMPLE [--epochs N] [--seed S] [--threads N] [--train-limit N] [--eval-limit N]" >&2
     echo "  SAMPLE: char_lm sunspots births air_passengers g2p names sensor digit_drawer xor" >&2
     exit 1 ;;
esac
if [[ ! -f samples/target/classes/io/rnnc/samples/run/SampleRun.class || -n "$(find samples/src samples/*/ -newer \
    samples/target/classes/io/rnnc/samples/run/SampleRun.class \( -name '*.java' -o -name '*.rnn' \) -print -quit)" ]]; then
  echo "run: building the samples (mvn -q package -DskipTests -pl samples -am) ..." >&2
  mvn -B -q package -DskipTests -pl samples -am >/dev/null
fi
exec java --add-modules jdk.incubator.vector -cp samples/target/classes:runtime/target/classes \
    io.rnnc.samples.run.SampleRun "$@" 2> >(grep -v 'Using incubator modules' >&2)
