#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Metrics.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/methods/FbpMethod.h"
#include "recon/methods/TvMin.h"

using namespace trustct;

namespace {
ReconstructionEnvironment env() { return ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, ""); }
}  // namespace

TEST(FiniteDifferences, AdjointIsExact) {
  torch::manual_seed(1);
  FiniteDifferenceProblem d;
  const torch::Tensor x = torch::randn({2, 1, 128, 128}, torch::kFloat64);
  const torch::Tensor p = torch::randn({2, 2, 128, 128}, torch::kFloat64);
  const double lhs = (d.applyK(x) * p).sum().item<double>(), rhs = (x * d.applyKt(p)).sum().item<double>();
  EXPECT_NEAR(lhs, rhs, 1e-9 * std::fabs(lhs));
}

TEST(LAdmm, BallProjectionIsExact) {
  const torch::Tensor d = torch::zeros({2, 3});
  const torch::Tensor z = torch::tensor({{3.f, 4.f, 0.f}, {0.1f, 0.f, 0.f}});
  const torch::Tensor delta = torch::tensor({1.f, 1.f});
  const torch::Tensor w = LAdmmSolver::projectBall(z, d, delta);
  EXPECT_NEAR(w[0].norm().item<double>(), 1.0, 1e-6);
  EXPECT_TRUE(torch::allclose(w[1], z[1]));
}

TEST(TvMin, SatisfiesItsConstraintsAndBeatsFbpBy3dB) {
  // 20 noisy ellipse phantoms with exact analytic sinograms (no inverse crime), 1.5 % noise.
  const auto e = env();
  SimulatedDataset data(e.op, PhantomKind::Ellipses, 20, 31337, NoiseModel{}, true);
  torch::Tensor truth, sinos;
  data.batch(0, 20, truth, sinos);
  FbpMethod fbp(e);
  TvMinMethod tv(e);
  JobContext ctx("test");
  const ReconstructionOutput f = fbp.reconstruct(sinos, ctx);
  const ReconstructionOutput t = tv.reconstruct(sinos, ctx);
  double fbpPsnr = 0, tvPsnr = 0;
  for (int i = 0; i < 20; ++i) {
    fbpPsnr += psnr(f.images[i], truth[i]) / 20;
    tvPsnr += psnr(t.images[i], truth[i]) / 20;
  }
  RecordProperty("fbp_psnr", std::to_string(fbpPsnr));
  RecordProperty("tv_psnr", std::to_string(tvPsnr));
  std::printf("mean PSNR: FBP %.2f dB, TV-Min %.2f dB (%d iterations)\n", fbpPsnr, tvPsnr, t.iterations[0]);
  EXPECT_GE(tvPsnr, fbpPsnr + 3.0);
  // Box and data constraints hold for every output.
  EXPECT_GE(t.images.min().item<float>(), 0.0f);
  EXPECT_LE(t.images.max().item<float>(), 1.0f);
  const torch::Tensor misfit = (e.op->forward(t.images) - sinos).flatten(1).norm(2, 1) / sinos.flatten(1).norm(2, 1);
  EXPECT_LE(misfit.max().item<double>(), tv.parameters().epsilon * 1.1);
}

TEST(TvMin, CancellationStopsWithinAnIteration) {
  const auto e = env();
  SimulatedDataset data(e.op, PhantomKind::SheppLogan, 1, 0, NoiseModel{}, true);
  TvMinMethod tv(e);
  JobContext ctx("cancel");
  int reports = 0;
  const int token = ProgressHub::instance().subscribe([&](const ProgressEvent& ev) {
    if (ev.jobId == ctx.id() && ++reports == 2) ctx.requestCancel();
  });
  EXPECT_THROW(tv.reconstruct(data.get(0).sinogram.unsqueeze(0), ctx), CancelledError);
  ProgressHub::instance().unsubscribe(token);
  EXPECT_EQ(reports, 2);
}
