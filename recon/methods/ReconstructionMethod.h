#pragma once
// The interface every reconstruction method implements; the GUI and the CLI only see this.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "recon/geometry/RadonOperator.h"

namespace trustct {

class JobContext;

// What a method needs from its surroundings: geometry, operator, device and where shipped models live.
struct ReconstructionEnvironment {
  std::shared_ptr<const RadonOperator> op;
  torch::Device device = torch::kCPU;
  std::string resourceDir;  // resources/ (models/, calibration/)

  static ReconstructionEnvironment make(const Geometry& g, const torch::Device& device, const std::string& resourceDir);
  const Geometry& geometry() const { return op->geometry(); }
};

struct ReconstructionOutput {
  torch::Tensor images;                  // (B, H, W) float32 on the CPU
  std::vector<int> iterations;           // per sample: first iteration within tolerance, else the cap; empty for direct methods
  std::vector<double> iterateResidual;   // per sample ‖x^k − x^{k−1}‖ at the last iteration; empty for direct methods
  std::vector<bool> converged;           // per sample: the method's tolerance reached; empty for direct methods
  double seconds = 0;                    // wall time for the batch
};

class ReconstructionMethod {
 public:
  virtual ~ReconstructionMethod() = default;
  virtual std::string id() const = 0;           // CLI name: fbp, tv, unet, ffpn, l2o, scale-l2o
  virtual std::string displayName() const = 0;  // FBP, TV-Min, ...
  virtual int64_t parameterCount() const = 0;
  // Identifies the exact parameters (weights, step sizes): calibrations are bound to it.
  virtual std::string fingerprint() const = 0;
  // sinograms: (B, angles, bins), normalised data. Throws CancelledError if ctx is cancelled.
  virtual ReconstructionOutput reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const = 0;
  // Iterative methods: the iteration cap (0 for direct methods) and changing it. setMaxIterations
  // throws UsageError for a direct method or n < 1.
  virtual int maxIterations() const { return 0; }
  virtual void setMaxIterations(int n);
};

}  // namespace trustct
