#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <torch/torch.h>

#include <fstream>
#include <string>

#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"

using namespace trustct;

// LibTorch calls whatever libblas.so.3 the system selects; reference BLAS is ~13x slower on dense
// products. The installer selects OpenBLAS: check the library this process really mapped.
TEST(Runtime, OptimisedBlasIsTheOneInUse) {
  torch::mm(torch::rand({64, 64}), torch::rand({64, 64}));  // make sure BLAS is loaded
  std::ifstream maps("/proc/self/maps");
  std::string line, blas;
  while (std::getline(maps, line))
    if (line.find("libblas.so") != std::string::npos || line.find("libopenblas") != std::string::npos) blas += line + "\n";
  EXPECT_NE(blas.find("openblas"), std::string::npos)
      << "LibTorch is not using OpenBLAS; run installer/install-deps.sh. Mapped BLAS:\n" << blas;
}

TEST(Runtime, UsesTheIdleCoresByDefault) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  configureRuntime(0);
  EXPECT_GE(at::get_num_threads(), 1);
  EXPECT_LE(at::get_num_threads(), cores);
  // A thread that keeps a core busy: the default must leave that core alone.
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int idle = idleCoreCount();
  stop = true;
  spinner.join();
  EXPECT_GE(idle, 1);
  if (cores >= 2) {
    EXPECT_LE(idle, cores - 1);
  }
  configureRuntime(0);  // as test_main set it
}

TEST(Runtime, CudaIsRefusedClearlyWhenAbsent) {
  EXPECT_EQ(parseDevice("cpu"), torch::Device(torch::kCPU));
  if (!torch::cuda::is_available()) {
    try {
      parseDevice("cuda");
      FAIL();
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("no usable CUDA"), std::string::npos);
    }
  }
  EXPECT_THROW(parseDevice("tpu"), UsageError);
}
