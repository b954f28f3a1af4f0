#!/usr/bin/env bash
# The samples' learning table: every sample trained by rnnc and by PyTorch on the same data, split, batch and epochs,
# 3 seeds each, mean and range of each metric (docs/learning.md). Not a CI test. Each run uses one thread on each
# side (rnnc --threads 1, PyTorch one thread, OMP_WAIT_POLICY=PASSIVE) and the runs go one at a time.
#
#   bench/learning-table.sh [--quick] [--seeds 0,1,2] [--epochs N] [--threads 1] [--write] [SAMPLE...]
#   bench/learning-table.sh --render
#
# SAMPLE: char_lm sunspots births air_passengers g2p names sensor digit_drawer xor (default: all). --quick runs the slow samples
# (char_lm, g2p, digit_drawer) on subsets for one epoch; without it they run on all their data (one to a few minutes a
# run on one thread). --write merges the rows into docs/learning.md: the samples named replace their rows (the main
# table, or the table of full runs for a slow sample without --quick), every other row stays; each row records the
# command, date, commit, time per run and load that made it. The table in docs/learning.md is made by:
#
#   bench/learning-table.sh --write --quick               # every sample; the slow ones on subsets (about 10 min)
#   bench/learning-table.sh --write --quick --seeds 0,1,2,3,4,5,6,7,8,9 digit_drawer   # ten seeds (docs/learning.md)
#   bench/learning-table.sh --write --epochs 3 char_lm    # the full runs of the slow samples (about 40 min)
#   bench/learning-table.sh --write g2p digit_drawer
#   bench/learning-table.sh --render    # no runs: the block written again from its rows (after editing the script)
#
# Needs the data of char_lm and g2p (samples/char_lm/fetch-data.sh, samples/g2p/fetch-data.sh; the others are
# committed), Java 17+, Maven (MAVEN_ARGS=-o to build offline), and Debian's PyTorch (/usr/bin/python3 with torch;
# PYTHON=... for another). The log of every run is appended to rnnc-out/learning-table.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for s in char_lm/data/dickens-train.txt g2p/data/train.tsv; do
  [[ -f "samples/$s" ]] || echo "learning-table: samples/$s is missing: run samples/${s%%/*}/fetch-data.sh first" >&2
done
echo "learning-table: building the samples' classes (mvn package -DskipTests -pl samples -am) ..." >&2
mvn -B -q ${MAVEN_ARGS:-} package -DskipTests -pl samples -am >/dev/null
exec "${PYTHON:-/usr/bin/python3}" bench/learning_table.py --classpath "samples/target/classes:runtime/target/classes" \
    --python "${PYTHON:-/usr/bin/python3}" "$@"
