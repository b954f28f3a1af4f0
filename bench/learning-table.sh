#!/usr/bin/env bash
# The samples' learning table: every sample trained by rnnc and by PyTorch on the same data, split, batch and epochs,
# 3 seeds each, mean and range of each metric (docs/learning.md). Not a CI test: the full table takes a few hours
# on 2 cores (run it alone on the machine); --quick runs the slow samples on subsets for trying it out.
#
#   bench/learning-table.sh [--quick] [--seeds 0,1,2] [--write] [SAMPLE...]
#
# SAMPLE: char_lm sunspots births g2p names sensor digit_drawer xor (default: all). --write puts the table into
# docs/learning.md. Needs the data of char_lm and g2p (samples/char_lm/fetch-data.sh, samples/g2p/fetch-data.sh; the
# others are committed), Java 17+, Maven, and Debian's PyTorch (/usr/bin/python3 with torch; PYTHON=... for another).
# The log of every run goes to rnnc-out/learning-table.log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for s in char_lm/data/dickens-train.txt g2p/data/train.tsv; do
  [[ -f "samples/$s" ]] || echo "learning-table: samples/$s is missing: run samples/${s%%/*}/fetch-data.sh first" >&2
done
echo "learning-table: building the samples' classes (mvn package -DskipTests -pl samples -am) ..." >&2
mvn -B -q package -DskipTests -pl samples -am >/dev/null
exec "${PYTHON:-/usr/bin/python3}" bench/learning_table.py --classpath "samples/target/classes:runtime/target/classes" \
    --python "${PYTHON:-/usr/bin/python3}" "$@"
