#!/usr/bin/env bash
# Fetches the character language model's text: Dickens' The Old Curiosity Shop (dickens.txt) and Shakespeare's
# Macbeth (shakes.txt), as Apache Crunch's test jar ships them (Maven org.apache.crunch:crunch-test:0.15.0), checks
# their SHA-256, and writes data/dickens-{train,valid}.txt and data/macbeth-{train,valid}.txt (byte-order mark dropped,
# LF line ends, the last tenth of each book, cut at a line start, for validation).
# Needs: mvn, unzip, sha256sum, java 17+.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fetch-lib.sh"
need unzip sha256sum
here="$SAMPLES_DIR/char_lm"
jar="$(maven_artifact org.apache.crunch:crunch-test:0.15.0)"
raw="$CACHE/crunch-test-0.15.0"
mkdir -p "$raw"
unzip -o -q "$jar" dickens.txt shakes.txt -d "$raw"
sha256_is "$raw/dickens.txt" 70b924ea4d22d24d8650660ddddd29fc5c07eafc5803a904e6d1184f50ac4ed7
sha256_is "$raw/shakes.txt" 1e78f8548c516390ebee9e864048a84314962730a0cbdb29d857f88a2f13553d
convert text "$raw/dickens.txt" dickens "$here/data"
convert text "$raw/shakes.txt" macbeth "$here/data"
sha256_is "$here/data/dickens-train.txt" 4189e8a8e749d166efb5d130f85efa7d6fab8409b64eda9288d6eaa14524428b
sha256_is "$here/data/dickens-valid.txt" de84e2e6cd0f89f8179e423a0f56bf0623b64eb59ab79bc72b4d89c9cc492e79
say "done: $here/data"
