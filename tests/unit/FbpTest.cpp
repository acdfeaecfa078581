#include <gtest/gtest.h>
#include <torch/torch.h>

#include "recon/core/Metrics.h"
#include "recon/data/Phantom.h"
#include "recon/methods/Fbp.h"

using namespace trustct;

TEST(Fbp, ReconstructsADiskWithTheRightScale) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const Geometry& g = op->geometry();
  const EllipsePhantom disk({{0.8, 40, 40, 0, 0, 0}});
  FilteredBackProjection fbp(op, FbpFilter::RamLak);
  const torch::Tensor x = fbp.reconstruct(disk.analyticSinogram(g, op->normalization()));
  // Mean over the disk's inner part: the normalised data are rescaled correctly.
  EXPECT_NEAR(x.narrow(0, 44, 40).narrow(1, 44, 40).mean().item<double>(), 0.8, 0.02);
  EXPECT_NEAR(x.narrow(0, 0, 10).narrow(1, 0, 10).mean().item<double>(), 0.0, 0.02);
}

TEST(Fbp, AllFiltersGiveReasonableSheppLogan) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const Geometry& g = op->geometry();
  const EllipsePhantom sl = EllipsePhantom::sheppLogan(g);
  const torch::Tensor truth = sl.rasterize(g), sino = sl.analyticSinogram(g, op->normalization());
  double previous = 0;
  for (FbpFilter f : {FbpFilter::RamLak, FbpFilter::SheppLogan, FbpFilter::Hann}) {
    const torch::Tensor x = FilteredBackProjection(op, f).reconstruct(sino.unsqueeze(0))[0];
    const double p = psnr(x, truth);
    EXPECT_GT(p, 17.0) << fbpFilterName(f);  // 30 angles: streaks, but the anatomy is there
    previous = p;
  }
  (void)previous;
  EXPECT_EQ(parseFbpFilter("hann"), FbpFilter::Hann);
  EXPECT_ANY_THROW(parseFbpFilter("cosine"));
}
