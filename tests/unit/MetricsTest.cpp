#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "recon/core/Metrics.h"
#include "recon/io/Npy.h"

using namespace trustct;

// References computed once with scikit-image (tests/reference/make_metric_references.py).
TEST(Metrics, MatchScikitImageWithin1e4) {
  const std::string dir = std::string(TRUSTCT_TEST_DATA) + "/metrics/";
  std::ifstream in(dir + "references.json");
  ASSERT_TRUE(in.good());
  const nlohmann::json refs = nlohmann::json::parse(in);
  ASSERT_GE(refs["pairs"].size(), 5u);
  for (const auto& r : refs["pairs"]) {
    const int k = r["pair"];
    const torch::Tensor a = readNpy(dir + "pair_" + std::to_string(k) + "_a.npy");
    const torch::Tensor b = readNpy(dir + "pair_" + std::to_string(k) + "_b.npy");
    EXPECT_NEAR(psnr(b, a), r["psnr"].get<double>(), 1e-4) << "pair " << k;
    EXPECT_NEAR(ssim(b, a), r["ssim"].get<double>(), 1e-4) << "pair " << k;
  }
}

TEST(Metrics, IdenticalImagesHaveSsimOneAndInfinitePsnr) {
  const torch::Tensor a = torch::rand({128, 128});
  EXPECT_NEAR(ssim(a, a), 1.0, 1e-12);
  EXPECT_TRUE(std::isinf(psnr(a, a)));
}
