#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recon/data/Phantom.h"
#include "recon/geometry/RadonOperator.h"

using namespace trustct;

namespace {
std::shared_ptr<const RadonOperator> op() { return RadonOperator::forGeometry(Geometry::paperDefault()); }
}  // namespace

TEST(RadonOperator, AdjointIdentityHoldsForRandomPairs) {
  torch::manual_seed(3);
  for (int trial = 0; trial < 5; ++trial) {
    const torch::Tensor x = torch::rand({1, 128, 128});
    const torch::Tensor y = torch::randn({1, 30, 183});
    const torch::Tensor ax = op()->forward(x), aty = op()->adjoint(y);
    const double lhs = (ax.to(torch::kFloat64) * y.to(torch::kFloat64)).sum().item<double>();
    const double rhs = (x.to(torch::kFloat64) * aty.to(torch::kFloat64)).sum().item<double>();
    const double bound = 1e-4 * ax.norm().item<double>() * y.norm().item<double>();
    EXPECT_LE(std::fabs(lhs - rhs), bound) << "trial " << trial;
  }
}

TEST(RadonOperator, IsNormalisedToUnitSpectralNorm) {
  const double sigma = RadonOperator::largestSingularValue(op()->matrix());
  EXPECT_NEAR(sigma, 1.0, 1e-3);
  // The unnormalised norm of a line-integral projector on this grid (≈ 61 for a
  // linear-interpolation projector; ray-driven lengths are of the same order).
  EXPECT_GT(op()->normalization(), 40.0);
  EXPECT_LT(op()->normalization(), 80.0);
}

TEST(RadonOperator, BatchedProductEqualsPerSampleProduct) {
  torch::manual_seed(4);
  const torch::Tensor x = torch::rand({5, 128, 128});
  const torch::Tensor batched = op()->forward(x);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(torch::allclose(batched[i], op()->forward(x[i].unsqueeze(0))[0], 1e-5, 1e-5));
  const torch::Tensor y = torch::rand({17, 30, 183});  // a batch that is not a multiple of the kernel's chunk
  const torch::Tensor back = op()->adjoint(y);
  EXPECT_TRUE(torch::allclose(back[16], op()->adjoint(y[16].unsqueeze(0))[0], 1e-5, 1e-5));
}

TEST(RadonOperator, OwnKernelMatchesLibTorchSparseProduct) {
  torch::manual_seed(5);
  const torch::Tensor x = torch::rand({3, 128 * 128});
  const auto& m = op()->matrix();
  EXPECT_TRUE(torch::allclose(m.multiply(x), m.multiplyTorchSparse(x, false), 1e-4, 1e-5));
  const torch::Tensor y = torch::rand({3, 30 * 183});
  EXPECT_TRUE(torch::allclose(m.multiplyTransposed(y), m.multiplyTorchSparse(y, true), 1e-4, 1e-5));
}

TEST(RadonOperator, AutogradBackwardIsTheAdjoint) {
  torch::manual_seed(6);
  const torch::Tensor x = torch::rand({2, 128, 128}).requires_grad_(true);
  const torch::Tensor w = torch::randn({2, 30, 183});
  (op()->forward(x) * w).sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), op()->adjoint(w), 1e-5, 1e-5));
}

// The ray-driven projector of the pixel-averaged raster against exact line integrals of the ellipses.
TEST(RadonOperator, ProjectorMatchesAnalyticEllipseSinograms) {
  const Geometry g = Geometry::paperDefault();
  auto relativeError = [&](const EllipsePhantom& p) {
    const torch::Tensor projected = op()->forward(p.rasterize(g).unsqueeze(0))[0];
    const torch::Tensor exact = p.analyticSinogram(g, op()->normalization());
    return ((projected - exact).norm() / exact.norm()).item<double>();
  };
  for (uint64_t i = 0; i < 10; ++i) {
    const double rel = relativeError(makePhantom(PhantomKind::Ellipses, g, 99, i));
    std::printf("ellipses %llu: relative error %.4f\n", static_cast<unsigned long long>(i), rel);
    EXPECT_LE(rel, 0.02) << "ellipses phantom " << i;
  }
  // Shepp–Logan's skull is under two pixels thick at contrast 0.8: pixelisation costs more there.
  const double sl = relativeError(EllipsePhantom::sheppLogan(g));
  std::printf("shepp-logan: relative error %.4f\n", sl);
  EXPECT_LE(sl, 0.03);
}

TEST(RadonOperator, RejectsWrongShapesWithTheSourceNamed) {
  try {
    op()->checkSinogramShape(torch::zeros({30, 180}), "bad.npy");
    FAIL() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("bad.npy"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("(30, 180)"), std::string::npos);
  }
}
