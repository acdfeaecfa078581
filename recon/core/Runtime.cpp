#include "recon/core/Runtime.h"

#include <ATen/Parallel.h>
#include <malloc.h>
#include <torch/cuda.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "recon/core/Errors.h"

namespace trustct {

int idleCoreCount() {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // procs_running in /proc/stat: threads runnable right now, this one included.
  std::ifstream stat("/proc/stat");
  std::string key;
  long long value = 0;
  while (stat >> key) {
    if (key == "procs_running" && stat >> value) return std::clamp(cores - int(std::max(0LL, value - 1)), 1, cores);
    stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return cores;
}

void configureRuntime(int threads) {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // Only the cores nobody else is using: OpenMP threads that share a busy core spin and wait for each
  // other (one Scale_L2O slice took 8.5 s with both cores of a loaded 2-core machine against 0.63 s
  // with one thread).
  if (threads <= 0) threads = idleCoreCount();
  at::set_num_threads(threads);
}

int interactiveThreadCount() { return static_cast<int>(std::max(2u, std::thread::hardware_concurrency())) - 1; }

torch::Device parseDevice(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw UsageError("--device " + name + ": this LibTorch build has no usable CUDA device (CPU only); use --device cpu");
    try {
      return torch::Device(name);
    } catch (const std::exception&) {
      throw UsageError("--device " + name + ": not a valid CUDA device name (expected cuda or cuda:N)");
    }
  }
  throw UsageError("unknown device '" + name + "' (expected cpu, cuda or cuda:N)");
}

std::string resourceDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("TRUSTCT_RESOURCES"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / TRUSTCT_INSTALL_RESOURCES;
    if (fs::is_directory(installed)) return installed.string();
  }
  return TRUSTCT_SOURCE_RESOURCES;
}

std::string versionString() { return TRUSTCT_VERSION; }

NotBuiltError notBuiltError(Feature feature, const std::string& source) {
  const char* what = "DICOM";
  const char* option = "TRUSTCT_WITH_DICOM=OFF";
  if (feature == Feature::Itk) what = "MetaImage/NIfTI (ITK)", option = "TRUSTCT_WITH_ITK=OFF";
  if (feature == Feature::Hdf5) what = "LoDoPaB-CT HDF5", option = "TRUSTCT_WITH_HDF5=OFF";
  if (feature == Feature::Distributed) what = "distributed (c10d/Gloo)", option = "TRUSTCT_WITH_DISTRIBUTED=OFF";
  return NotBuiltError((source.empty() ? "" : source + ": ") + "this build has no " + what + " support (built with " +
                       (TRUSTCT_CORE_ONLY ? "TRUSTCT_CORE_ONLY" : option) + ")");
}

}  // namespace trustct
