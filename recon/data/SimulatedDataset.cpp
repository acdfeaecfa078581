#include "recon/data/SimulatedDataset.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <cstdio>

#include "recon/core/Errors.h"

namespace trustct {

SimulatedDataset::SimulatedDataset(std::shared_ptr<const RadonOperator> op, PhantomKind kind, int64_t count,
                                   uint64_t seed, NoiseModel noise, bool analytic)
    : op_(std::move(op)), kind_(kind), count_(count), seed_(seed), noise_(noise), analytic_(analytic) {
  if (count < 0) throw UsageError("sample count must be >= 0");
}

Sample SimulatedDataset::get(int64_t index) const {
  torch::NoGradGuard noGrad;
  const Geometry& g = op_->geometry();
  const EllipsePhantom phantom = makePhantom(kind_, g, seed_, static_cast<uint64_t>(index));
  Sample s;
  s.image = phantom.rasterize(g);
  const torch::Tensor clean =
      analytic_ ? phantom.analyticSinogram(g, op_->normalization()) : op_->forward(s.image.unsqueeze(0)).squeeze(0);
  // Noise draws come from a stream of their own, so changing the noise never changes the phantom.
  Rng rng = Rng::forItem(seed_ ^ 0x6e6f697365ULL, static_cast<uint64_t>(index));
  s.sinogram = addNoise(clean, noise_, rng);
  char name[32];
  std::snprintf(name, sizeof name, "sample_%04lld", static_cast<long long>(index));
  s.name = name;
  return s;
}

void SimulatedDataset::batch(int64_t first, int64_t count, torch::Tensor& images, torch::Tensor& sinograms) const {
  const Geometry& g = op_->geometry();
  images = torch::empty({count, g.imageSize, g.imageSize});
  sinograms = torch::empty({count, g.numAngles, g.numBins});
  // Items are independent; each worker generates whole items (the operator's own parallelism nests).
  at::parallel_for(0, count, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      Sample s = get(first + i);
      images[i].copy_(s.image);
      sinograms[i].copy_(s.sinogram);
    }
  });
}

}  // namespace trustct
