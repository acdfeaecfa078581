#!/usr/bin/env bash
# Takes docs/screenshot-main.png: the main window on the demo case (Ellipses, seed 7) with every method
# reconstructed, a zoom region and the certificate badges. Runs under Xvfb, so no display is needed.
#   scripts/screenshot.sh [BUILD_DIR] [OUT.png]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
out=${2:-$here/docs/screenshot-main.png}
exe=$build/app/trustct
[ -x "$exe" ] || { echo "screenshot.sh: $exe not found: build the project first" >&2; exit 2; }
config=$(mktemp -d)  # fresh settings: the picture never depends on a user's preferences
trap 'rm -rf "$config"' EXIT
XDG_CONFIG_HOME=$config QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1200x24" \
  "$exe" --screenshot "$out" --size 1760x1060 demo:ellipses:7
