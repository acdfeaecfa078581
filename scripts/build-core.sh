#!/usr/bin/env bash
# Builds the core (recon/, certs/ without DICOM, trustct-cli) with -DTRUSTCT_CORE_ONLY=ON: no Qt, VTK, DCMTK,
# ITK or HDF5. Then checks that the binary links none of them and smoke-tests it.
#   scripts/build-core.sh [BUILD_DIR [CMAKE_ARGS...]]      BUILD_DIR defaults to build-core/
# LibTorch: $TORCH_PREFIX (a CMake prefix such as an unpacked libtorch/), else the one inside python3's torch
# (torch.utils.cmake_prefix_path, e.g. a CUDA PyTorch), else the system's (Debian: libtorch-dev).
# Parallel jobs: $CMAKE_BUILD_PARALLEL_LEVEL (Ninja's default otherwise). ccache is used when installed.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath -m "${1:-$SRC/build-core}")
shift $(($# > 0 ? 1 : 0))

prefix=${TORCH_PREFIX:-}
if [ -z "$prefix" ] && command -v python3 >/dev/null; then
  prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
fi
echo "build-core: LibTorch from ${prefix:-the system (libtorch-dev)}"
args=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DTRUSTCT_CORE_ONLY=ON)
if [ -n "$prefix" ]; then args+=("-DCMAKE_PREFIX_PATH=$prefix"); fi
if ! cmake -S "$SRC" -B "$BUILD" "${args[@]}" "$@"; then
  # LibTorch's own CMake package looks for CUDA when the PyTorch is a CUDA build.
  if [ -n "$prefix" ]; then echo "build-core: a CUDA PyTorch also needs the CUDA toolkit (nvcc on PATH, or CUDAToolkit_ROOT)" >&2; fi
  exit 1
fi
start=$(date +%s)
cmake --build "$BUILD" --target trustct-cli
echo "build-core: trustct-cli built in $(($(date +%s) - start)) s"
CLI="$BUILD/app/trustct-cli"

fail() {
  echo "build-core: FAIL: $*" >&2
  exit 1
}

# None of the optional packages may be configured, nor their libraries linked by the binary itself. Its
# NEEDED entries are checked rather than ldd's closure: Debian's LibTorch pulls in Qt 5 and HDF5 through OpenCV.
if grep -E '^(Qt6|VTK|DCMTK|ITK|HDF5)[A-Za-z0-9_]*_DIR:' "$BUILD/CMakeCache.txt"; then
  fail "the configuration found optional packages (above)"
fi
needed=$(readelf -d "$CLI" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || fail "readelf found no shared libraries in $CLI"
if grep -iE '^lib(qt|vtk|dcm|of(std|log)|itk|hdf5)' <<<"$needed"; then fail "$CLI links optional libraries (above)"; fi
echo "build-core: $CLI needs only:" $needed

# Smoke test: simulate, reconstruct with TV-Min and certify; compiled-out parts are usage errors (exit 2).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$CLI" --version
"$CLI" simulate --phantom ellipses --count 2 --seed 5 --analytic --out "$T/sim"
"$CLI" reconstruct --method tv --sinogram "$T/sim/sinogram_0001.npy" --reference "$T/sim/image_0001.npy" \
  --out "$T/tv.npy" --certificates "$T/tv.json"
[ -s "$T/tv.npy" ] && grep -q '"overall"' "$T/tv.json" || fail "reconstruct --method tv wrote no image or certificates"

expect_missing() {  # expect_missing "message" command...
  local message="$1" got=0
  shift
  "$CLI" "$@" >"$T/out" 2>"$T/err" || got=$?
  if [ "$got" -ne 2 ] || ! grep -qF "$message" "$T/err"; then
    cat "$T/err" >&2
    fail "'trustct-cli $*' exited $got, expected 2 and '$message'"
  fi
  echo "build-core: trustct-cli $* -> $(cat "$T/err")"
}
expect_missing "this build has no DICOM support (built with TRUSTCT_CORE_ONLY)" import --help
expect_missing "this build has no DICOM support (built with TRUSTCT_CORE_ONLY)" echo --host localhost
echo "x" >"$T/none.hdf5"
expect_missing "none.hdf5: this build has no LoDoPaB-CT HDF5 support (built with TRUSTCT_CORE_ONLY)" \
  train --model unet --out "$T/tr" --data "lodopab:$T/none.hdf5" --train-count 2 --val-count 1
echo "build-core: ok ($CLI)"
