#!/usr/bin/env bash
# The convergence diagnostic of docs/learned-methods.md: a learned model folder evaluated on N Ellipses
# images of seed 3 (the diagnostic set: never training, validation, calibration or test data) at each
# iteration cap — mean PSNR, images within the solver's tolerance, largest first-reach iteration.
# usage: scripts/cap-check.sh MODEL_DIR [N=32] [CAPS="100 200 400"] [METHOD=scale-l2o]
#        (TRUSTCT_CLI: default build/app/trustct-cli; METHOD: the shipped model the folder stands in for)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cli=${TRUSTCT_CLI:-$root/build/app/trustct-cli}
model=$(readlink -f "$1"); count=${2:-32}; caps=${3:-100 200 400}; method=${4:-scale-l2o}
[ -f "$model/model.json" ] || { echo "cap-check: $model has no model.json" >&2; exit 3; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# The shipped resources with this model in METHOD's place (TRUSTCT_RESOURCES, recon/core/Runtime.h).
# Certified with default.json: the method's own calibration is bound to the shipped weights.
mkdir -p "$work/res/models"
for f in "$root"/resources/*; do [ "$(basename "$f")" = models ] || ln -s "$f" "$work/res/"; done
for f in "$root"/resources/models/*; do [ "$(basename "$f")" = "$method" ] || ln -s "$f" "$work/res/models/"; done
ln -s "$model" "$work/res/models/$method"
for cap in $caps; do
  TRUSTCT_RESOURCES=$work/res "$cli" evaluate --phantom ellipses --count "$count" --seed 3 --methods "$method" \
    --max-iterations "$cap" --threads 1 --calibration "$root/resources/calibration/default.json" --per-image "$work/cap$cap.json" > /dev/null
  /usr/bin/python3 - "$work/cap$cap.json" "$cap" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
psnr = sum(r["psnr"] for r in rows) / len(rows)
reached = [r["iterations"] for r in rows if r["converged"]]
print(f"cap {sys.argv[2]}: {psnr:.3f} dB, {len(reached)}/{len(rows)} within tolerance"
      + (f", first reach median {sorted(reached)[len(reached) // 2]}, largest {max(reached)}" if reached else ""))
PY
done
