#!/usr/bin/env bash
# End to end on Debian's real CT data: load, simulate, reconstruct (fbp, tv), certify, export, validate.
# Every exported CT, SR and KOS must pass dciodvfy with zero errors; dsrdump must print the certificate
# tree; bad inputs must exit 3 with a message naming the file.
# usage: export_validate.sh TRUSTCT_CLI TEST_DATA_DIR
set -uo pipefail
cli=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A small calibration certified by FBP keeps the test fast (the shipped default calibrates TV-Min).
"$cli" calibrate --model fbp --count 24 --seed 500000 --out "$work/cal.json" > /dev/null || fail "calibrate"

validate() {
  local out errors warnings
  out=$(dciodvfy "$1" 2>&1)
  errors=$(grep -c '^Error' <<< "$out")
  warnings=$(grep -c '^Warning' <<< "$out")
  echo "dciodvfy ${1#"$work"/}: $errors error(s), $warnings warning(s)"
  if [ "$errors" -ne 0 ]; then grep '^Error' <<< "$out"; fail "dciodvfy errors in $1"; fi
}

export_and_validate() {  # name, expected file count, export arguments...
  local name=$1 count=$2
  shift 2
  if ! "$cli" export --calibration "$work/cal.json" --out "$work/$name" "$@" > "$work/$name.log" 2>&1; then
    cat "$work/$name.log"; fail "export $name"; return
  fi
  local files=("$work/$name"/*.dcm)
  [ "${#files[@]}" -ge "$count" ] || fail "$name: expected at least $count files, got ${#files[@]}"
  for f in "${files[@]}"; do validate "$f"; done
}

export_and_validate ct_small 4 --input "$data/dicom/CT_small.dcm" --methods fbp,tv
export_and_validate series 2 --input "$data/dicom/series_ct2" --slice 1 --methods fbp
export_and_validate jpegls 2 --input "$data/dicom/CT_small_jpegls.dcm" --methods fbp
export_and_validate multiframe 2 --input "$data/dicom/enhanced_ct_multiframe.dcm" --slice 3 --methods fbp
export_and_validate anonymized 2 --input "$data/dicom/CT_small.dcm" --methods fbp --anonymize
"$cli" import --input "$data/dicom/CT_small.dcm" --sinogram "$work/ct_small_sino.npy" > /dev/null || fail "import"
export_and_validate sinogram 2 --input "$work/ct_small_sino.npy" --methods fbp

# The certificate tree as dsrdump prints it.
tree=$(dsrdump "$work/ct_small/tv_sr.dcm" 2>&1)
for needle in "Imaging Measurement Report" "Measurement Group" "Qualitative Evaluations" "Algorithm Name" \
              "Image Library" "TrustCT certificate fidelity" "Overall trustworthiness verdict" "Certificate calibration" \
              "Certificate fail threshold"; do
  grep -q "$needle" <<< "$tree" || fail "dsrdump tv_sr.dcm lacks '$needle'"
done
echo "$tree" | grep -A9 -m1 '"Measurement Group"'
srdump=$(dcmdump "$work/ct_small/tv_sr.dcm")
grep -q "CurrentRequestedProcedureEvidenceSequence" <<< "$srdump" || fail "SR lacks the evidence sequence"

# No patient data in what the CLI prints; none in the anonymised files.
grep -q "CompressedSamples" "$work"/*.log && fail "patient name printed by the CLI"
grep -q "CompressedSamples" "$work"/anonymized/*.dcm && fail "patient name in anonymised export"
# Nor the source's file name or path, in any byte of the files, the manifest or what the CLI printed.
grep -q "CT_small" "$work"/anonymized/* "$work/anonymized.log" && fail "source file name in anonymised export"
grep -q "placeholder" "$work/sinogram.log" || fail "sinogram export does not say it made a placeholder study"

# send checks an export folder's files against its manifest before connecting (no server is needed to
# refuse): a file changed after export, or one the manifest does not list, is an input error naming it.
cp -r "$work/ct_small" "$work/torn"
printf 'x' >> "$work/torn/fbp_sr.dcm"
out=$("$cli" send --host 127.0.0.1 --port 9 --timeout 2 "$work/torn"/*.dcm 2>&1); status=$?
{ [ "$status" -eq 3 ] && grep -q "fbp_sr.dcm" <<< "$out" && grep -q "does not match the SHA-256" <<< "$out"; } ||
  fail "send of a changed export file: exit $status, message: $out"
cp "$work/ct_small/fbp_ct.dcm" "$work/torn/stale_ct.dcm"
out=$("$cli" send --host 127.0.0.1 --port 9 --timeout 2 "$work/torn/stale_ct.dcm" 2>&1); status=$?
{ [ "$status" -eq 3 ] && grep -q "not part of its export" <<< "$out"; } ||
  fail "send of a file the manifest does not list: exit $status, message: $out"

# A folder another export is writing into (its lock held, here by flock(1)) is refused, and left as it was.
mkdir -p "$work/busy"
flock "$work/busy/.trustct.lock" sleep 60 &
locker=$!
sleep 0.5
out=$("$cli" export --calibration "$work/cal.json" --methods fbp --out "$work/busy" --input "$data/dicom/CT_small.dcm" 2>&1)
status=$?
kill "$locker" 2>/dev/null; wait "$locker" 2>/dev/null
if [ "$status" -ne 3 ] || ! grep -q "another export is writing into this folder" <<< "$out"; then
  fail "export into a locked folder: exit $status, message: $out"
fi
[ -z "$(ls "$work/busy")" ] || fail "export into a locked folder wrote: $(ls "$work/busy")"

# Bad input: exit code 3 and the file named.
expect_bad() {  # file, fragment
  local out status
  out=$("$cli" export --calibration "$work/cal.json" --methods fbp --out "$work/bad" --input "$1" 2>&1)
  status=$?
  if [ "$status" -ne 3 ] || ! grep -q "$(basename "$1")" <<< "$out" || ! grep -q "$2" <<< "$out"; then
    fail "bad input $1: exit $status, message: $out"
  else
    echo "bad input ok: $out"
  fi
}
expect_bad "$data/dicom/CT-MONO2-16-ankle.dcm" "Secondary Capture"
for f in zero_bytes.dcm truncated.dcm non_ct_modality_mr.dcm missing_pixel_data.dcm absurd_dimensions.dcm \
         rows_exceed_pixel_data.dcm text_file.dcm; do
  expect_bad "$data/malformed/$f" "error"
done
for f in wrong_shape.npy nan.npy int_dtype.npy truncated.npy shape_not_a_tuple.npy raw_without_sidecar.raw raw_size_mismatch.raw; do
  expect_bad "$data/malformed/$f" "error"
done
[ ! -e "$work/bad" ] || [ -z "$(ls -A "$work/bad")" ] || fail "bad input left files behind"

"$cli" export --input x.dcm --out "$work/u" --uid-root 1.02 > /dev/null 2>&1
[ $? -eq 2 ] || fail "invalid UID root is not a usage error"
[ "$failures" -eq 0 ] && echo "export_validate: all checks passed"
exit $((failures > 0))
