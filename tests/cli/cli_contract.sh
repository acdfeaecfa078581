#!/usr/bin/env bash
# The trustct-cli contract: subcommands, JSON keys, exit codes (0 ok, 2 usage, 3 bad input) and error
# messages that name the file and the problem. Usage: cli_contract.sh path/to/trustct-cli
set -u
CLI="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# expect CODE "fragment of stderr" -- command...
expect() {
  local want="$1" fragment="$2"
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local got=$?
  if [ "$got" -eq "$want" ] && { [ -z "$fragment" ] || grep -qF -- "$fragment" "$T/err" "$T/out"; }; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: '$*' exited $got (want $want), expected message '$fragment'"
    sed 's/^/  stderr: /' "$T/err" | head -5
  fi
}
check() {  # check "description" test-expression...
  local what="$1"
  shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

# Usage and help
expect 2 "usage" "$CLI"
expect 2 "unknown command" "$CLI" frobnicate
expect 0 "" "$CLI" --version
for c in simulate project reconstruct evaluate calibrate bench demo publish; do
  expect 0 "usage: trustct-cli $c" "$CLI" "$c" --help
done
expect 2 "unknown option --bogus" "$CLI" simulate --bogus 1 --out "$T/x"
expect 2 "missing required option --out" "$CLI" simulate --count 2
expect 2 "expects a whole number" "$CLI" simulate --count abc --out "$T/x"
expect 2 "unknown phantom" "$CLI" simulate --phantom cube --out "$T/x"
expect 2 "--device cuda" "$CLI" simulate --device cuda --out "$T/x"

# simulate → files, dataset.json
expect 0 "wrote 2 sample" "$CLI" simulate --phantom ellipses --count 2 --seed 5 --analytic --out "$T/sim"
# simulate's default is analytic, as evaluate's; --projected gives A·x
expect 0 "wrote 1 sample" "$CLI" simulate --count 1 --seed 5 --out "$T/simdefault"
check "simulate is analytic by default" grep -q '"analytic": true' "$T/simdefault/dataset.json"
check "the default equals --analytic" cmp -s "$T/simdefault/sinogram_0000.npy" "$T/sim/sinogram_0000.npy"
expect 0 "wrote 1 sample" "$CLI" simulate --count 1 --seed 5 --projected --out "$T/simprojected"
check "--projected is A·x" grep -q '"analytic": false' "$T/simprojected/dataset.json"
expect 2 "at most one of --analytic and --projected" "$CLI" simulate --analytic --projected --out "$T/x"
check "simulate writes images, sinograms and dataset.json" test -s "$T/sim/image_0001.npy" -a -s "$T/sim/sinogram_0001.npy" -a -s "$T/sim/dataset.json"
check "sinogram is 30x183 float32" grep -q "'descr': '<f4', 'fortran_order': False, 'shape': (30,183)" "$T/sim/sinogram_0000.npy"

# project
expect 0 "wrote" "$CLI" project --image "$T/sim/image_0000.npy" --out "$T/proj.npy"
expect 3 "sinogram_0000.npy: wrong image shape (30, 183)" "$CLI" project --image "$T/sim/sinogram_0000.npy" --out "$T/p2.npy"

# reconstruct + certificates JSON contract
expect 0 "FBP" "$CLI" reconstruct --method fbp --sinogram "$T/sim/sinogram_0000.npy" --out "$T/fbp.npy" \
  --certificates "$T/fbp.json" --reference "$T/sim/image_0000.npy"
for key in '"method"' '"certificates"' '"property"' '"value"' '"cdf"' '"label"' '"overall"' '"psnr"' '"ssim"' \
           '"calibration"' '"fail_at"'; do
  check "certificate JSON has $key" grep -q "$key" "$T/fbp.json"
done
expect 0 "TV-Min" "$CLI" reconstruct --method tv --sinogram "$T/sim/sinogram_0001.npy" --out "$T/tv.npy" --certificates "$T/tv.json"
check "TV-Min report has the convergence certificate" grep -q '"iterate_residual"' "$T/tv.json"
check "TV-Min report has its iteration count" grep -q '"iterations"' "$T/tv.json"
check "TV-Min report says whether it converged" grep -q '"converged"' "$T/tv.json"
check "FBP report has no iteration count" bash -c "! grep -q '\"iterations\"' '$T/fbp.json'"
expect 0 "TV-Min" "$CLI" reconstruct --method tv --sinogram "$T/sim/sinogram_0001.npy" --out "$T/tv3.npy" \
  --certificates "$T/tv3.json" --max-iterations 3
check "--max-iterations caps the iterations" grep -q '"iterations": 3' "$T/tv3.json"
check "three iterations do not converge" grep -q '"converged": false' "$T/tv3.json"
expect 2 "FBP is not iterative" "$CLI" reconstruct --method fbp --sinogram "$T/sim/sinogram_0000.npy" --out "$T/m.npy" --max-iterations 5
expect 2 "--max-iterations must be between 1 and 100000" "$CLI" reconstruct --method tv --sinogram "$T/sim/sinogram_0000.npy" \
  --out "$T/m.npy" --max-iterations 0
expect 2 "unknown method 'magic'" "$CLI" reconstruct --method magic --sinogram "$T/sim/sinogram_0000.npy" --out "$T/m.npy"

# Bad input: each names the file and the problem, exit 3, nothing written
: >"$T/empty.npy"
echo "this is not numpy" >"$T/text.npy"
head -c 2000 "$T/sim/sinogram_0000.npy" >"$T/trunc.npy"
expect 3 "empty.npy: file is empty" "$CLI" reconstruct --method fbp --sinogram "$T/empty.npy" --out "$T/o1.npy"
expect 3 "text.npy: not a NumPy .npy file" "$CLI" reconstruct --method fbp --sinogram "$T/text.npy" --out "$T/o2.npy"
expect 3 "trunc.npy: truncated" "$CLI" reconstruct --method fbp --sinogram "$T/trunc.npy" --out "$T/o3.npy"
expect 3 "image_0000.npy: wrong sinogram shape (128, 128)" "$CLI" reconstruct --method fbp --sinogram "$T/sim/image_0000.npy" --out "$T/o4.npy"
expect 3 "missing.npy: cannot open file" "$CLI" reconstruct --method fbp --sinogram "$T/missing.npy" --out "$T/o5.npy"
# float64 is converted; int16 and NaN are refused (files written byte by byte from a valid header)
python3 - "$T" <<'PY'
import sys, struct
t = sys.argv[1]
def npy(path, descr, shape, payload):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload)
n = 30 * 183
npy(t + "/int16.npy", "<i2", "(30, 183)", b"\0\0" * n)
npy(t + "/nan.npy", "<f4", "(30, 183)", struct.pack("<f", 0.5) * 100 + struct.pack("<f", float("nan")) + struct.pack("<f", 0.5) * (n - 101))
npy(t + "/f8.npy", "<f8", "(30, 183)", struct.pack("<d", 0.25) * n)
PY
expect 3 "int16.npy: unsupported dtype '<i2'" "$CLI" reconstruct --method fbp --sinogram "$T/int16.npy" --out "$T/o6.npy"
expect 3 "nan.npy: contains 1 NaN or infinite value(s) (first at flat index 100)" "$CLI" reconstruct --method fbp --sinogram "$T/nan.npy" --out "$T/o7.npy"
expect 0 "" "$CLI" reconstruct --method fbp --sinogram "$T/f8.npy" --out "$T/o8.npy"
check "no output written for bad input" test ! -e "$T/o1.npy" -a ! -e "$T/o3.npy" -a ! -e "$T/o7.npy"
expect 3 "output folder does not exist" "$CLI" reconstruct --method fbp --sinogram "$T/sim/sinogram_0000.npy" --out "$T/nodir/x.npy"
check "no temporary files left behind" test -z "$(find "$T" -name '*.tmp-*')"

# A calibration made for another geometry is refused
sed 's/"num_angles": 30/"num_angles": 60/; s/"geometry_fingerprint": "[0-9a-f]*"/"geometry_fingerprint": "0000000000000000"/' \
  "$(dirname "$0")/../../resources/calibration/default.json" >"$T/othergeom.json"
expect 3 "othergeom.json: calibration checksum does not match its content" "$CLI" reconstruct --method fbp \
  --sinogram "$T/sim/sinogram_0000.npy" --out "$T/o9.npy" --certificates "$T/c9.json" --calibration "$T/othergeom.json"
echo '{"format": "trustct-calibration", ' >"$T/brokencal.json"
expect 3 "brokencal.json: calibration is not valid JSON" "$CLI" reconstruct --method fbp --sinogram "$T/sim/sinogram_0000.npy" \
  --out "$T/o10.npy" --certificates "$T/c10.json" --calibration "$T/brokencal.json"

# evaluate: JSON keys and Markdown table
expect 2 "exactly one of --data DIR or --phantom" "$CLI" evaluate --data "$T/sim" --phantom ellipses --json "$T/e.json"
expect 0 "| FBP |" "$CLI" evaluate --data "$T/sim" --methods fbp,tv --json "$T/e.json" --markdown "$T/e.md"
for key in '"psnr"' '"ssim"' '"fail_percent"' '"params"' '"ms_per_slice"' '"fbp"' '"tv"'; do
  check "evaluate JSON has $key" grep -q "$key" "$T/e.json"
done
check "evaluate Markdown has the TV-Min row" grep -q "| TV-Min |" "$T/e.md"
check "evaluate Markdown names each method's calibration" grep -q "^- TV-Min: certificates labelled with calibration [0-9a-f]* (.*default.json, made with tv)" "$T/e.md"
check "evaluate JSON names the calibration's fingerprint" grep -q '"fingerprint"' "$T/e.json"
check "evaluate JSON names each method's calibration" /usr/bin/python3 -c \
  "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not all(m['calibration']['file'].endswith('default.json') for m in j['methods'].values()))" "$T/e.json"
# Scale_L2O is certified with its own shipped calibration, FBP with default.json, in one run
expect 0 "| Scale_L2O |" "$CLI" evaluate --phantom ellipses --count 1 --seed 3 --methods fbp,scale-l2o --threads 1 \
  --json "$T/own.json" --max-iterations 5
check "evaluate picks each method's own calibration" /usr/bin/python3 -c \
  "import json,sys; m=json.load(open(sys.argv[1]))['methods']; sys.exit(not (m['scale-l2o']['calibration']['file'].endswith('scale-l2o.json') and m['fbp']['calibration']['file'].endswith('default.json')))" "$T/own.json"
for key in '"psnr_std"' '"converged_percent"' '"mean_iterations"'; do
  check "evaluate JSON has $key" grep -q "$key" "$T/e.json"
done
expect 0 "| TV-Min |" "$CLI" evaluate --data "$T/sim" --methods tv --per-image "$T/per.json"
for key in '"name"' '"psnr"' '"iterations"' '"converged"' '"certificates"'; do
  check "per-image JSON has $key" grep -q "$key" "$T/per.json"
done
expect 3 "no sinogram_NNNN.npy files found" "$CLI" evaluate --data "$T" --methods fbp --json "$T/e2.json"

# train: L2O settings out of range are refused before any work
expect 2 "--contraction must be in (0, 1]" "$CLI" train --model scale-l2o --prox shrinkage --out "$T/tr" --contraction 0
expect 2 "--relaxation must be in [1, 2)" "$CLI" train --model scale-l2o --prox shrinkage --out "$T/tr" --relaxation 2
expect 2 "--tv-warm-start must be between 0 and 5000" "$CLI" train --model scale-l2o --out "$T/tr" --tv-warm-start -1
expect 2 "--tv-warm-start applies to the L2O models only" "$CLI" train --model unet --out "$T/tr" --tv-warm-start 100
expect 2 "--early-loss applies to the L2O models only" "$CLI" train --model unet --out "$T/tr" --early-loss 1
expect 2 "--early-iterations must be below --train-iterations" "$CLI" train --model scale-l2o --out "$T/tr" \
  --early-loss 1 --early-iterations 50 --train-iterations 50

# Ctrl-C during train: the job stops at its next batch, writes its checkpoint, names it and exits 130 without a
# model; the same command with --resume continues to the end (two sessions in the card).
SIGTRAIN=(train --model scale-l2o --out "$T/sig" --train-count 64 --val-count 2 --epochs 1 --batch 2
  --train-iterations 10 --test-count 2 --threads 1 --checkpoint-minutes 60)
"$CLI" "${SIGTRAIN[@]}" --progress >"$T/sig.out" 2>"$T/sig.err" &
pid=$!
for _ in $(seq 1200); do grep -q "batch 2/" "$T/sig.err" && break; sleep 0.1; done
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT during train exits 130 (got $rc)" test "$rc" -eq 130
check "an interrupted train says so and names its checkpoint" grep -q "checkpoint $T/sig/checkpoint.pt kept" "$T/sig.err"
check "an interrupted train writes its checkpoint and no model" test -s "$T/sig/checkpoint.pt" -a ! -e "$T/sig/model.json"
expect 0 "wrote $T/sig/model.pt" "$CLI" "${SIGTRAIN[@]}" --resume
check "the resumed run continues the interrupted one" /usr/bin/python3 -c \
  "import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not (len(c['training']['sessions']) == 2 and c['training']['steps'] == 32))" \
  "$T/sig/model.json"

# train --data: the source is checked before any work; a DICOM series trains (tiny U-Net run)
expect 2 "expected ellipses, lodopab:PATH or dicom:PATH" "$CLI" train --model unet --out "$T/tr" --data cube
expect 2 "give the path as lodopab:PATH" "$CLI" train --model unet --out "$T/tr" --data lodopab:
expect 3 "$T/none.hdf5" "$CLI" train --model unet --out "$T/tr" --data "lodopab:$T/none.hdf5" --train-count 2 --val-count 1
SERIES="$(dirname "$0")/../data/dicom/series_ct2"
expect 0 "wrote $T/tr/model.pt" "$CLI" train --model unet --out "$T/tr" --data "dicom:$SERIES" --train-count 2 \
  --val-count 1 --epochs 1 --batch 2 --test-count 2 --threads 1
check "the card names the DICOM source" grep -q '"source": "dicom"' "$T/tr/model.json"

# A wizard model (a folder under the user models root) is method user:NAME in the CLI too, certified with its
# own calibration unless --calibration is given.
mkdir -p "$T/um/toy" && cp "$T/tr/model.pt" "$T/tr/model.json" "$T/tr/MODEL_CARD.md" "$T/um/toy/"
export TRUSTCT_USER_MODELS="$T/um"
expect 0 "user:toy" "$CLI" reconstruct --help
expect 0 "" "$CLI" calibrate --model user:toy --count 20 --out "$T/um/toy/calibration.json"
expect 0 "" "$CLI" reconstruct --method user:toy --sinogram "$T/sim/sinogram_0000.npy" --out "$T/user.npy" \
  --certificates "$T/user.json"
check "a user model is certified with its own calibration" grep -q '"model": "user:toy"' "$T/user.json"
unset TRUSTCT_USER_MODELS

# publish: a model that does not beat FBP on its validation images is refused, naming its card, before any
# calibration; --allow-below-fbp publishes it (research); a calibration made for another model is refused.
check "the card compares the model with FBP" grep -q '"fbp_psnr"' "$T/tr/model.json"
expect 3 "$T/tr/model.json: not published: the model's validation PSNR" "$CLI" publish --model "$T/tr" --name pub \
  --models-root "$T/pub" --count 20 --threads 1
check "a refused model leaves nothing behind" test ! -e "$T/pub/pub"
expect 0 "published user:pub" "$CLI" publish --model "$T/tr" --name pub --models-root "$T/pub" --count 20 --threads 1 \
  --allow-below-fbp
check "publish writes the model with its own calibration" test -s "$T/pub/pub/model.pt" -a -s "$T/pub/pub/calibration.json"
check "the published calibration is the model's" grep -q '"id": "user:pub"' "$T/pub/pub/calibration.json"
expect 3 "calibration was made for model 'user:toy'" "$CLI" publish --model "$T/tr" --name other --models-root "$T/pub" \
  --calibration "$T/um/toy/calibration.json" --allow-below-fbp --threads 1
expect 2 "model name '../x'" "$CLI" publish --model "$T/tr" --name ../x

echo "cli contract: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
