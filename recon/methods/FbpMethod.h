#pragma once
// Filtered back-projection as a reconstruction method (no learned parameters, not iterative).
#include "recon/methods/Fbp.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class FbpMethod : public ReconstructionMethod {
 public:
  FbpMethod(const ReconstructionEnvironment& env, FbpFilter filter = FbpFilter::RamLak);
  std::string id() const override { return "fbp"; }
  std::string displayName() const override { return "FBP"; }
  int64_t parameterCount() const override { return 0; }
  std::string fingerprint() const override;
  ReconstructionOutput reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const override;

 private:
  ReconstructionEnvironment env_;
  FilteredBackProjection fbp_;
};

}  // namespace trustct
