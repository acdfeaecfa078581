#pragma once
// The forward operator A of the papers: parallel-beam line integrals through the pixel grid.
// Kernel: ray-driven with exact intersection lengths (Siddon), one ray through each bin centre, so
// A_u x is the exact line integral of the piecewise-constant image. A = A_u / σ_max with σ_max found by
// power iteration, so ‖A‖₂ = 1 and all data, tolerances and step sizes are relative to that scaling.
#include <torch/types.h>

#include <memory>

#include "recon/geometry/Geometry.h"
#include "recon/geometry/SparseMatrix.h"

namespace trustct {

class RadonOperator {
 public:
  explicit RadonOperator(const Geometry& geometry);
  // One operator per geometry per process: building and normalising it takes about a second.
  static std::shared_ptr<const RadonOperator> forGeometry(const Geometry& geometry);

  const Geometry& geometry() const { return geometry_; }
  // σ_max of the unnormalised matrix (line integrals in units of the pixel size).
  double normalization() const { return sigmaMax_; }
  const SparseMatrix& matrix() const { return matrix_; }

  // (..., H, W) → (..., angles, bins) on the input's device; differentiable (backward = adjoint).
  torch::Tensor forward(const torch::Tensor& images) const;
  // (..., angles, bins) → (..., H, W); differentiable (backward = forward).
  torch::Tensor adjoint(const torch::Tensor& sinograms) const;

  // Throws InputError naming `source` if `sinograms` does not end in (angles, bins).
  void checkSinogramShape(const torch::Tensor& sinograms, const std::string& source) const;
  void checkImageShape(const torch::Tensor& images, const std::string& source) const;

  // Largest singular value of `m` by power iteration on mᵀm (deterministic start vector).
  static double largestSingularValue(const SparseMatrix& m, int maxIterations = 2000, double relTol = 1e-7);

 private:
  static CsrData buildRayDriven(const Geometry& g);

  Geometry geometry_;
  SparseMatrix matrix_;
  double sigmaMax_ = 1;
};

}  // namespace trustct
