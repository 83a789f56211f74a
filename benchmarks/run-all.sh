#!/usr/bin/env bash
# Runs the whole BenchmarkDotNet suite with --job short and the memory report, then copies the GitHub-markdown
# reports into benchmarks/results/ and the memory table into benchmarks/results/memory-report.md.
# Resolve and Wire run --inProcess so each cluster size (100k services: ~40 s and ~3 GB) is built once per class,
# not once per case (see SharedClusters.cs); the rest run out of process, BenchmarkDotNet's default.
# --noForcedGCs: BenchmarkDotNet otherwise runs a full blocking GC before every iteration, which on a heap holding a
# 100k-service cluster (~3 GB) costs seconds each and minutes per case; the measured paths allocate nothing (their
# Allocated column says so), and where they do (naive baseline, wildcard) the GC cost belongs in the figure.
# About 25-30 minutes on a 2-vCPU machine. Usage: benchmarks/run-all.sh [extra BenchmarkDotNet arguments]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/KubeDns.Records.Benchmarks"
artifacts="${ARTIFACTS:-$(mktemp -d -t kubedns-bdn-XXXXXX)}"
results="$here/results"

dotnet build "$project" -c Release --nologo -v quiet
run() {
    dotnet run -c Release --no-build --project "$project" -- --job short --noForcedGCs --artifacts "$artifacts" "$@"
}

run --filter '*ResolveBenchmark*' --inProcess "$@"
run --filter '*WireBenchmark*' --inProcess "$@"
run --filter '*ClusterBuildBenchmark*' "$@"
run --filter '*ClusterChangeBenchmark*' "$@"
run --filter '*ProgrammingLatencyBenchmark*' "$@"
run --filter '*RecordFeaturesBenchmark*' "$@"

mkdir -p "$results"
cp "$artifacts"/results/*-report-github.md "$results/"
dotnet run -c Release --no-build --project "$project" -- memory | tee "$results/memory-report.md"
echo "reports copied to $results (BenchmarkDotNet artifacts in $artifacts)"
