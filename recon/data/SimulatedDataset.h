#pragma once
// Reproducible data sets: phantom images with their noisy sinograms, item by item from (seed, index).
#include <torch/types.h>

#include <memory>

#include "recon/data/Dataset.h"
#include "recon/data/Noise.h"
#include "recon/data/Phantom.h"
#include "recon/geometry/RadonOperator.h"

namespace trustct {

class SimulatedDataset : public Dataset {
 public:
  // analytic: exact line integrals of the ellipses (no inverse crime); otherwise A·x of the raster.
  SimulatedDataset(std::shared_ptr<const RadonOperator> op, PhantomKind kind, int64_t count, uint64_t seed,
                   NoiseModel noise, bool analytic);
  int64_t size() const override { return count_; }
  Sample get(int64_t index) const override;
  // Many items at once, generated in parallel: images (B, H, W), sinograms (B, angles, bins).
  void batch(int64_t first, int64_t count, torch::Tensor& images, torch::Tensor& sinograms) const;

 private:
  std::shared_ptr<const RadonOperator> op_;
  PhantomKind kind_;
  int64_t count_;
  uint64_t seed_;
  NoiseModel noise_;
  bool analytic_;
};

}  // namespace trustct
