#!/usr/bin/env bash
# Builds the benchmarks jar and runs KernelBenchmark, then prints GFLOP/s per method, path and shape.
# Usage: benchmarks/run-kernels.sh [extra JMH options, e.g. a method regex or -p path=vector]
# Default is a short run (-wi 3 -i 5 -f 1); one thread. GFLOP/s = ops/s * 2*B*K*N / 1e9.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B package -pl benchmarks -am -DskipTests
out="benchmarks/target/kernels.csv"
java -jar benchmarks/target/benchmarks.jar 'KernelBenchmark' -wi 3 -i 5 -f 1 -t 1 -rf csv -rff "$out" "$@"
echo
printf '%-16s %-7s %-12s %10s %8s\n' method path "B,K,N" GFLOP/s "+-"
# CSV: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: path","Param: shape"
tail -n +2 "$out" | tr -d '"' | awk -F, '{
  split($1, parts, "."); method = parts[length(parts)];
  split($9, s, "x"); flops = 2 * s[1] * s[2] * s[3];
  printf "%-16s %-7s %-12s %10.1f %8.1f\n", method, $8, s[1] "," s[2] "," s[3], $5 * flops / 1e9, $6 * flops / 1e9
}'
