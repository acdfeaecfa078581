#!/usr/bin/env bash
# Installs every Debian 12 (bookworm) package TrustCT needs to build, test and run.
# Idempotent; run as root (or through sudo). Nothing is downloaded outside Debian's archive.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  exec sudo -E bash "$0" "$@"
fi
export DEBIAN_FRONTEND=noninteractive

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # core numerics
  libtorch-dev libopenblas0-openmp libopenblas-dev libhdf5-dev nlohmann-json3-dev libssl-dev ccache
  # distributed training: c10d's Gloo process group headers
  libgloo-dev
  # imaging
  libvtk9-dev libdcmtk-dev dcmtk libinsighttoolkit5-dev libgdcm-tools
  # Qt 6 (Widgets, OpenGL widgets, Charts, Test)
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev libgl-dev
  # tests and benchmarks
  libgtest-dev libbenchmark-dev xvfb xauth libgl1-mesa-dri mesa-utils dicom3tools orthanc
  python3 python3-numpy python3-pydicom curl
  # fuzzing the file readers: clang with libFuzzer and AddressSanitizer runtimes
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# LibTorch uses whatever libblas.so.3 the alternatives system selects; reference BLAS is ~13x slower.
arch_dir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for lib in libblas.so.3 liblapack.so.3; do
  target=$(update-alternatives --list "${lib}-${arch_dir##*/}" 2>/dev/null | grep openblas-openmp | head -1 || true)
  if [ -n "$target" ]; then
    update-alternatives --set "${lib}-${arch_dir##*/}" "$target" >/dev/null
  fi
done
echo "TrustCT dependencies installed; BLAS: $(readlink -f "$arch_dir/libblas.so.3")"
