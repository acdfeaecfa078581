#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recon/core/Rng.h"
#include "recon/data/Phantom.h"
#include "recon/data/SimulatedDataset.h"

using namespace trustct;

TEST(Rng, IsBitReproducibleWithFixedReferenceValues) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  // Pinned values: any change to the generator or its transforms changes every data set.
  Rng r(1);
  EXPECT_EQ(r.next(), 12966619160104079557ULL);
  EXPECT_EQ(r.normal(), -1.0212127862231177);
  EXPECT_EQ(r.poisson(40), 38);
}

TEST(Rng, DistributionsHaveTheRightMoments) {
  Rng r(11);
  double sum = 0, sq = 0, p40 = 0, p2000 = 0, ex = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    sum += z;
    sq += z * z;
    p40 += double(r.poisson(40));
    p2000 += double(r.poisson(2000));
    ex += r.exponential();
  }
  EXPECT_NEAR(sum / n, 0, 0.01);
  EXPECT_NEAR(sq / n, 1, 0.01);
  EXPECT_NEAR(p40 / n, 40, 0.1);
  EXPECT_NEAR(p2000 / n, 2000, 0.5);
  EXPECT_NEAR(ex / n, 1, 0.01);
}

TEST(Phantom, EllipsesFollowThePapersNormalisation) {
  const Geometry g = Geometry::paperDefault();
  for (uint64_t i = 0; i < 10; ++i) {
    const EllipsePhantom p = makePhantom(PhantomKind::Ellipses, g, 5, i);
    EXPECT_LE(p.ellipses().size(), 70u);
    const torch::Tensor x = p.rasterize(g);
    EXPECT_GE(x.min().item<float>(), -1e-6);
    EXPECT_LE(x.max().item<float>(), 1.0f + 1e-6);
    EXPECT_GT(x.max().item<float>(), 0.5f);  // the maximum is scaled to one (pixel averages blur it a little)
  }
}

TEST(Phantom, DataSetsAreReproducibleAndOrderIndependent) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  SimulatedDataset a(op, PhantomKind::Ellipses, 6, 77, NoiseModel{}, true);
  SimulatedDataset b(op, PhantomKind::Ellipses, 6, 77, NoiseModel{}, true);
  const Sample s5 = a.get(5);
  torch::Tensor imgs, sinos;
  b.batch(0, 6, imgs, sinos);
  EXPECT_TRUE(torch::equal(s5.image, imgs[5]));
  EXPECT_TRUE(torch::equal(s5.sinogram, sinos[5]));
  SimulatedDataset c(op, PhantomKind::Ellipses, 6, 78, NoiseModel{}, true);
  EXPECT_FALSE(torch::equal(c.get(5).image, s5.image));
}

TEST(Noise, GaussianLevelIsRelativeToTheMeanProjection) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const Geometry& g = op->geometry();
  const torch::Tensor clean = EllipsePhantom::sheppLogan(g).analyticSinogram(g, op->normalization());
  Rng rng(3);
  const torch::Tensor noisy = addNoise(clean, NoiseModel{}, rng);
  const double sigma = (noisy - clean).std().item<double>();
  EXPECT_NEAR(sigma / clean.abs().mean().item<double>(), 0.015, 0.001);
  NoiseModel poisson;
  poisson.kind = NoiseModel::Kind::Poisson;
  poisson.photons = 1e6;
  const torch::Tensor p = addNoise(clean, poisson, rng);
  EXPECT_LT(((p - clean).norm() / clean.norm()).item<double>(), 0.05);
}
