#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on a scratch corpus seeded from the committed test data.
# usage: run_fuzzer.sh FUZZER SECONDS SEED_DIR...
set -euo pipefail
fuzzer=$(readlink -f "$1") seconds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
for d in "$@"; do find "$d" -maxdepth 2 -type f -size -2M -exec cp {} "$work/corpus/" \; ; done
cd "$work"
# -max_len lets the 252 KB deep-nesting case of the malformed corpus through whole. Leak checking stays on; the 4 GB RSS cap and 10 s per-input limit catch runaway allocations and hangs.
# DCMTK allocates an element's declared length before it notices the data ends early (a mutated length of
# 1 GB costs 0.3 s under ASan): capping single allocations at 256 MB makes those fail fast, as DCMTK's
# "memory exhausted" error, and keeps the run at ~1000 inputs/s instead of ~20.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:allocator_may_return_null=1:max_allocation_size_mb=256} \
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1 corpus \
  > log.txt 2>&1 || status=$?
grep -E "^#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss_mb" log.txt || true
if [ "$status" -ne 0 ] || grep -q "ERROR: \|SUMMARY: " log.txt; then tail -60 log.txt; exit 1; fi
