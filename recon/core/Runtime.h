#pragma once
// Process-wide set-up shared by every entry point: threads, allocator, device choice, resources.
#include <torch/types.h>

#include <string>

#include "recon/core/Errors.h"

namespace trustct {

// Intra-op threads (0 = idleCoreCount(); LibTorch was seen to default to 1 here) and glibc
// thresholds so large activation buffers are reused instead of returned to the OS on every free.
void configureRuntime(int threads = 0);

// Cores not running anything else at this moment (/proc/stat procs_running), at least 1: all of them
// on an idle machine.
int idleCoreCount();

// For interactive processes: all cores but one, so reconstruction never starves the UI thread.
int interactiveThreadCount();

// "cpu", "cuda", "cuda:N". UsageError with a clear message when CUDA is asked for but absent.
torch::Device parseDevice(const std::string& name);

// resources/: $TRUSTCT_RESOURCES, then <exe>/../share/trustct/resources (installed), then the source tree.
std::string resourceDir();

std::string versionString();  // "0.1.0"

// Optional parts a build can leave out: all with -DTRUSTCT_CORE_ONLY=ON, each with its TRUSTCT_WITH_* option
// (distributed training: TRUSTCT_WITH_DISTRIBUTED, which needs c10d's Gloo headers).
enum class Feature { Dicom, Itk, Hdf5, Distributed };
// "SOURCE: this build has no DICOM support (built with TRUSTCT_CORE_ONLY)"; `source` may be empty.
NotBuiltError notBuiltError(Feature feature, const std::string& source = "");

}  // namespace trustct
