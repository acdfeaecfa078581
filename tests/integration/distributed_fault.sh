#!/usr/bin/env bash
# A rank killed mid-epoch: the surviving rank exits non-zero within its timeout, naming the lost rank,
# and `--resume` (one process) then finishes the run from the last checkpoint. A rank that hangs
# (SIGSTOP) is named the same way once the collective's timeout has passed.
# usage: distributed_fault.sh TRUSTCT_CLI
set -euo pipefail
cli=$1
work=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
common=(--model scale-l2o --train-count 400 --val-count 4 --test-count 4 --epochs 1 --batch 4 --train-iterations 3
        --max-iterations 3 --seed 7 --threads 1 --checkpoint-minutes 0.02)
timeout=20
# start_pair OUT: ranks 0 and 1 into OUT, returns once rank 0 has written a checkpoint.
start_pair() {
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  for r in 0 1; do
    "$cli" train "${common[@]}" --out "$1" --world-size 2 --rank $r --rendezvous tcp://127.0.0.1:$port \
      --dist-timeout $timeout > "$work/rank$r.log" 2>&1 &
    eval "pid$r=\$!"
  done
  for _ in $(seq 600); do [ -e "$1/checkpoint.pt" ] && break; sleep 0.1; done
  [ -e "$1/checkpoint.pt" ] || { echo "no checkpoint appeared"; cat "$work"/rank*.log; exit 1; }
}
# expect_rank0_names_rank1 HOW: rank 0 must fail within the timeout with a message naming rank 1.
expect_rank0_names_rank1() {
  local start rc elapsed
  start=$(date +%s)
  set +e
  wait "$pid0"; rc=$?
  set -e
  elapsed=$(( $(date +%s) - start ))
  echo "rank 1 $1: rank 0 exited with $rc after ${elapsed} s: $(tail -1 "$work/rank0.log")"
  [ "$rc" -ne 0 ] || { echo "rank 0 went on without rank 1"; exit 1; }
  [ "$elapsed" -le $((timeout + 10)) ] || { echo "rank 0 took longer than its timeout"; exit 1; }
  grep -q "rank 1" "$work/rank0.log" || { echo "the message does not name rank 1"; cat "$work/rank0.log"; exit 1; }
}

start_pair "$work/run"
kill -9 "$pid1"
wait "$pid1" 2>/dev/null || true
expect_rank0_names_rank1 killed
"$cli" train "${common[@]}" --out "$work/run" --resume > "$work/resume.log" 2>&1 || { cat "$work/resume.log"; exit 1; }
grep -q "100 steps" "$work/resume.log" || { echo "the resumed run did not finish"; cat "$work/resume.log"; exit 1; }

start_pair "$work/hung"
kill -STOP "$pid1"
expect_rank0_names_rank1 hung
kill -9 "$pid1"
echo "distributed fault: OK"
