#!/usr/bin/env bash
# Integers on the command line are range-checked, never wrapped: --port 4294967297 used to connect to
# port 1, --timeout 4294967297 to become 1 s, --slice 4294967297 to pick slice 1 (docs/robustness.md).
# usage: cli_integer_ranges.sh TRUSTCT_CLI
set -uo pipefail
cli=$1
failures=0
expect_usage_error() {  # fragment, arguments...
  local fragment=$1 out rc
  shift
  out=$("$cli" "$@" 2>&1); rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q -- "$fragment" <<< "$out"; then
    echo "FAIL: trustct-cli $* gave exit $rc: $out"; failures=$((failures + 1))
  fi
}
expect_usage_error "--port must be between 1 and 65535" echo --host localhost --port 4294967297
expect_usage_error "--port must be between 1 and 65535" echo --host localhost --port 0
expect_usage_error "--timeout must be between 1 and 86400" echo --host localhost --port 104 --timeout 4294967297
expect_usage_error "--slice must be between 0 and" import --input /nonexistent.dcm --image "$(mktemp -d)/x.npy" --slice 4294967297
expect_usage_error "--seed must be between 0 and" simulate --seed -3 --out "$(mktemp -d)"
expect_usage_error "--threads must be between 0 and 4096" simulate --threads 4294967297 --out "$(mktemp -d)"
expect_usage_error "--batch must be between 1 and" train --model unet --out "$(mktemp -d)" --batch 0
[ "$failures" -eq 0 ] && echo "all integer options range-checked"
exit "$failures"
