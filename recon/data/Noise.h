#pragma once
// Measurement noise for simulated sinograms (docs/researcher-guide.md §1). All models draw from our own Rng, so a
// (seed, item) pair gives the same noisy sinogram everywhere.
#include <torch/types.h>

#include <string>

#include "recon/core/Rng.h"

namespace trustct {

struct NoiseModel {
  enum class Kind { None, Gaussian, PerRay, Poisson };
  Kind kind = Kind::Gaussian;
  // Gaussian: σ = level · mean|Ax| for every ray (the papers' "1.5 %"). PerRay: σ_i = level · |(Ax)_i|.
  double level = 0.015;
  // Poisson low-dose: counts ~ Poisson(photons · exp(−μ·L)), zero counts set to 0.1, then post-log.
  // attenuationPerUnit converts one unit of the normalised sinogram into μ·L (dimensionless).
  double photons = 4096;
  double attenuationPerUnit = 1.0;

  static NoiseModel none() { return {Kind::None, 0}; }
  static NoiseModel parse(const std::string& kind, double level);  // UsageError on unknown kind
  std::string describe() const;
};

// Returns a noisy copy of one sinogram (any shape, CPU or device; the noise is drawn on the CPU).
torch::Tensor addNoise(const torch::Tensor& sinogram, const NoiseModel& model, Rng& rng);

}  // namespace trustct
