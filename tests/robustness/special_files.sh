#!/usr/bin/env bash
# Inputs that are not regular files are refused at once, naming the file: a FIFO used to block import
# and send forever, a link to /dev/zero was read until memory ran out (docs/robustness.md).
# usage: special_files.sh TRUSTCT_CLI
set -uo pipefail
cli=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
mkfifo "$work/pipe.npy" "$work/pipe.dcm"
ln -s /dev/zero "$work/zero.npy"
ln -s /dev/zero "$work/zero.dcm"
expect_refused() {  # file, fragment, arguments...
  local file=$1 fragment=$2 out rc
  shift 2
  out=$(timeout 60 "$cli" "$@" 2>&1); rc=$?
  if [ "$rc" -ne 3 ] || ! grep -q -- "$file" <<< "$out" || ! grep -q -- "$fragment" <<< "$out"; then
    echo "FAIL: trustct-cli $* gave exit $rc: $out"; failures=$((failures + 1))
  fi
}
for f in pipe.npy pipe.dcm; do
  expect_refused "$f" "is a FIFO" import --input "$work/$f" --image "$work/out.npy"
done
for f in zero.npy zero.dcm; do
  expect_refused "$f" "is a device" import --input "$work/$f" --image "$work/out.npy"
done
expect_refused pipe.npy "is a FIFO" reconstruct --method fbp --sinogram "$work/pipe.npy" --out "$work/x.npy"
expect_refused zero.npy "is a device" reconstruct --method fbp --sinogram "$work/zero.npy" --out "$work/x.npy"
[ -e "$work/out.npy" ] && { echo "FAIL: an output was written"; failures=$((failures + 1)); }
[ "$failures" -eq 0 ] && echo "FIFOs and devices refused"
exit "$failures"
