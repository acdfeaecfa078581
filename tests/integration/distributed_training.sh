#!/usr/bin/env bash
# Data-parallel training on c10d/Gloo with real processes on 127.0.0.1 (own free port):
#  1. 2 ranks train Scale_L2O a few steps (global batch 4 = 2 × 2): both ranks report the same weights
#     fingerprint (compared on every step) and the weights equal, within 1e-5 relative (‖a − b‖ / ‖a‖ per
#     tensor, CompareModels.cpp; a small learning rate, since Adam turns rounding into whole steps), those of one
#     process with the same global batch and seed;
#  2. a checkpoint written by 2 ranks resumes in 1 process and ends where the uninterrupted run ends.
# usage: distributed_training.sh TRUSTCT_CLI COMPARE_MODELS
set -euo pipefail
cli=$1 compare=$2
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
common=(--model scale-l2o --train-count 16 --val-count 4 --test-count 4 --epochs 1 --batch 4 --train-iterations 3
        --max-iterations 3 --seed 7 --threads 1 --checkpoint-minutes 100 --lr 1e-4)
two_ranks() {  # OUT EXTRA...: runs ranks 0 and 1, fails unless both exit 0
  local out=$1; shift
  local port; port=$(free_port)
  for r in 0 1; do
    "$cli" train "${common[@]}" --out "$out" --world-size 2 --rank $r --rendezvous tcp://127.0.0.1:$port \
      --dist-timeout 60 --check-weights-every 1 "$@" > "$work/rank$r.log" 2>&1 &
    eval "pid$r=\$!"
  done
  wait "$pid0" || { echo "rank 0 failed:"; cat "$work/rank0.log"; exit 1; }
  wait "$pid1" || { echo "rank 1 failed:"; cat "$work/rank1.log"; exit 1; }
}
fingerprint() { grep -o 'weights [0-9a-f]\{16\}' "$1" | tail -1 | cut -d' ' -f2; }

two_ranks "$work/dist"
f0=$(fingerprint "$work/rank0.log") f1=$(fingerprint "$work/rank1.log")
echo "rank 0 weights $f0, rank 1 weights $f1"
[ -n "$f0" ] && [ "$f0" = "$f1" ] || { echo "ranks disagree"; cat "$work"/rank*.log; exit 1; }
grep -q '"world_size": 2' "$work/dist/model.json" || { echo "the card does not record the world size"; exit 1; }

"$cli" train "${common[@]}" --out "$work/single" > "$work/single.log" 2>&1 || { cat "$work/single.log"; exit 1; }
"$compare" "$work/dist" "$work/single" 1e-5

# 2 ranks stop after 2 of the epoch's 4 steps; one process resumes the checkpoint and finishes.
two_ranks "$work/resumed" --max-steps 2
"$cli" train "${common[@]}" --out "$work/resumed" --resume > "$work/resume.log" 2>&1 || { cat "$work/resume.log"; exit 1; }
grep -q "4 steps" "$work/resume.log" || { echo "the resumed run did not finish the epoch"; cat "$work/resume.log"; exit 1; }
"$compare" "$work/resumed" "$work/single" 1e-5
echo "distributed training: OK"
