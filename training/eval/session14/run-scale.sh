#!/usr/bin/env bash
# Session 14: Scale_L2O with the TV-Min warm start (100 iterations), finalised, calibrated, evaluated once.
set -euo pipefail
cd /work/main
cli=./build/app/trustct-cli
$cli train --model scale-l2o --prox shrinkage --r-lipschitz 0.02 --relaxation 1.95 --contraction 0.94 \
  --alpha 100 --beta 0.00098 --lambda 0.0099 --tv-warm-start 100 --init-from resources/models/scale-l2o --out runs/scale16 \
  --train-count 8 --val-count 32 --epochs 1 --batch 8 --lr 1e-3 --lr-final 1e-4 --train-iterations 200 --max-iterations 200 \
  --seed 0 --test-count 20 --threads 1 --max-steps 0
cp runs/scale16/model.pt runs/scale16/model.json runs/scale16/MODEL_CARD.md resources/models/scale-l2o/
$cli calibrate --model scale-l2o --count 200 --seed 500000 --threads 1 --out resources/calibration/scale-l2o.json
for cap in 200 100 400; do
  $cli evaluate --phantom ellipses --count 1000 --seed 1000 --methods scale-l2o --max-iterations $cap \
    --calibration resources/calibration/scale-l2o.json --json runs/eval14/scale1000-cap$cap.json \
    --markdown runs/eval14/scale1000-cap$cap.md --per-image runs/eval14/scale1000-cap$cap-per-image.json --threads 1
  echo "cap $cap done $(date)"
done
