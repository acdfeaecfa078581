#!/usr/bin/env bash
# Takes docs/wizard/page-1.png … page-6.png: the training wizard driven through a tiny Scale_L2O training
# (16 Ellipses, a 4-trial step search, 3 epochs, 40 calibration samples). Runs under Xvfb with fresh
# settings and a throw-away user data folder, so neither the pictures nor your models are affected.
#   scripts/wizard-screenshots.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$here/docs/wizard}
exe=$build/app/trustct
[ -x "$exe" ] || { echo "wizard-screenshots.sh: $exe not found: build the project first" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/config" "$scratch/data"
XDG_CONFIG_HOME=$scratch/config XDG_DATA_HOME=$scratch/data QT_QPA_PLATFORM=xcb OMP_NUM_THREADS=2 \
  xvfb-run -a -s "-screen 0 1920x1200x24" "$exe" --wizard-screenshots "$out"
