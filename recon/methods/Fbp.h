#pragma once
// Filtered back-projection consistent with the normalised operator: the data are rescaled by σ_max,
// filtered with a band-limited ramp (Kak & Slaney's discrete Ram-Lak kernel, optionally windowed) and
// back-projected pixel-driven with linear interpolation between bins.
#include <torch/types.h>

#include <memory>
#include <string>

#include "recon/geometry/RadonOperator.h"

namespace trustct {

enum class FbpFilter { RamLak, SheppLogan, Hann };
FbpFilter parseFbpFilter(const std::string& name);  // UsageError on unknown names
std::string fbpFilterName(FbpFilter f);

class FilteredBackProjection {
 public:
  explicit FilteredBackProjection(std::shared_ptr<const RadonOperator> op, FbpFilter filter = FbpFilter::RamLak);

  // (..., angles, bins) on any device → (..., H, W) on the same device.
  torch::Tensor reconstruct(const torch::Tensor& sinograms) const;
  FbpFilter filter() const { return filter_; }

 private:
  std::shared_ptr<const RadonOperator> op_;
  FbpFilter filter_;
  int64_t paddedLength_;
  torch::Tensor response_;  // (paddedLength/2 + 1) real frequency response, CPU float32
  SparseMatrix backProjector_;  // pixels × rays
};

}  // namespace trustct
