// Issue 12, must-show 2: every shipped fixed-point model reaches the solver's tolerance (1e-3) within 200
// iterations on its card's 20 test images, and its output does not depend on the cap: mean PSNR at caps
// 100, 200 and 400 within 0.05 dB. F-FPN joins the list once its iteration converges
// (docs/learned-methods.md). Label: slow (700 iterations per image and model).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>

#include "recon/core/Job.h"
#include "recon/core/Metrics.h"
#include "recon/core/Runtime.h"
#include "recon/learned/models/LearnedMethods.h"
#include "recon/learned/training/Trainer.h"

using namespace trustct;

class ShippedConvergence : public ::testing::TestWithParam<ModelKind> {};

TEST_P(ShippedConvergence, ReachesTheToleranceWithin200AndDoesNotDependOnTheCap) {
  configureRuntime();
  const auto env = ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, resourceDir());
  const auto method = LearnedMethod::loadShipped(env, GetParam());
  const auto& test = method->card().at("test");
  const TrainingSet data = TrainingSet::simulate(env.op, test.at("count").get<int64_t>(), test.at("seed").get<uint64_t>(),
                                                 0.015);
  ASSERT_EQ(data.size(), 20);
  JobContext ctx("convergence");
  std::map<int, double> meanPsnr;
  for (int cap : {100, 200, 400}) {
    method->setMaxIterations(cap);
    double sum = 0;
    for (int64_t first = 0; first < data.size(); first += 8) {
      const int64_t n = std::min<int64_t>(8, data.size() - first);
      const ReconstructionOutput out = method->reconstruct(data.sinograms.narrow(0, first, n), ctx);
      ASSERT_EQ(out.converged.size(), size_t(n));
      for (int64_t i = 0; i < n; ++i) {
        sum += psnr(out.images[i], data.images[first + i][0]);
        if (cap >= 200) {
          EXPECT_TRUE(out.converged[i]) << "image " << first + i << " at cap " << cap << ": residual "
                                        << out.iterateResidual[i];
          EXPECT_LE(out.iterations[i], 200) << "image " << first + i << " first reached the tolerance at "
                                            << out.iterations[i];
        }
      }
    }
    meanPsnr[cap] = sum / double(data.size());
  }
  EXPECT_NEAR(meanPsnr[100], meanPsnr[200], 0.05);
  EXPECT_NEAR(meanPsnr[400], meanPsnr[200], 0.05);
  RecordProperty("psnr_cap100", std::to_string(meanPsnr[100]));
  RecordProperty("psnr_cap200", std::to_string(meanPsnr[200]));
  RecordProperty("psnr_cap400", std::to_string(meanPsnr[400]));
}

INSTANTIATE_TEST_SUITE_P(FixedPointModels, ShippedConvergence,
                         ::testing::Values(ModelKind::ImplicitL2O, ModelKind::ScaleL2O),
                         [](const auto& info) {
                           std::string id = modelId(info.param);
                           for (auto& ch : id)
                             if (ch == '-') ch = '_';
                           return id;
                         });
