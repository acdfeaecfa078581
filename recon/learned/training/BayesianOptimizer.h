#pragma once
// Bayesian optimisation for Scale_L2O's step sizes: a Gaussian-process surrogate with a Matérn 5/2 ARD
// kernel whose hyper-parameters maximise the log marginal likelihood, expected improvement as the
// acquisition, a Latin-hypercube initial design. Seeded: the same observations give the same proposals.
#include <torch/types.h>

#include <string>
#include <vector>

#include "recon/core/Rng.h"

namespace trustct {

class GaussianProcess {
 public:
  // x: (n, d) in [0, 1]^d, y: (n). Standardises y, then fits log length scales (d), log signal variance
  // and log noise variance by Adam on the negative log marginal likelihood from several starts.
  void fit(const torch::Tensor& x, const torch::Tensor& y, Rng& rng);
  // Posterior mean and standard deviation at xs (m, d), in the units of y.
  void predict(const torch::Tensor& xs, torch::Tensor& mean, torch::Tensor& stddev) const;

  const std::vector<double>& lengthScales() const { return lengthScales_; }
  double signalVariance() const { return signalVariance_; }
  double noiseVariance() const { return noiseVariance_; }
  double logMarginalLikelihood() const { return logMarginalLikelihood_; }

  // Matérn 5/2: σ²(1 + √5 r + 5r²/3) e^{−√5 r}, r² = Σ_k ((a_k − b_k)/ℓ_k)². a: (n, d), b: (m, d) → (n, m).
  static torch::Tensor matern52(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& lengthScales,
                                const torch::Tensor& signalVariance);
  // −log p(y | x, θ) for standardised y (differentiable in the log hyper-parameters).
  static torch::Tensor negativeLogLikelihood(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& logParams);

 private:
  torch::Tensor x_, alpha_, cholesky_;
  double yMean_ = 0, yStd_ = 1;
  std::vector<double> lengthScales_;
  double signalVariance_ = 1, noiseVariance_ = 1e-4, logMarginalLikelihood_ = 0;
};

// EI(x) = (μ − y* − ξ)Φ(z) + σφ(z), z = (μ − y* − ξ)/σ, for maximisation.
torch::Tensor expectedImprovement(const torch::Tensor& mean, const torch::Tensor& stddev, double best, double xi = 0.01);

// n points in [0, 1)^d, one in each of n equal slices of every axis.
std::vector<std::vector<double>> latinHypercube(int n, int d, Rng& rng);

class BayesianOptimizer {
 public:
  struct Dimension {
    std::string name;
    double lo, hi;
    bool logScale;  // search log(value) uniformly
  };
  BayesianOptimizer(std::vector<Dimension> dims, uint64_t seed, int initialPoints, int candidates = 4096);

  std::vector<double> suggest();  // the next point to evaluate, in the dimensions' units
  void observe(const std::vector<double>& point, double value);  // value is maximised

  int observations() const { return static_cast<int>(values_.size()); }
  std::vector<double> bestPoint() const;
  double bestValue() const;
  const GaussianProcess& surrogate() const { return gp_; }
  const std::vector<Dimension>& dimensions() const { return dims_; }
  double lastExpectedImprovement() const { return lastEi_; }

 private:
  std::vector<double> toUnit(const std::vector<double>& p) const;
  std::vector<double> fromUnit(const std::vector<double>& u) const;

  std::vector<Dimension> dims_;
  Rng rng_;
  int candidates_;
  std::vector<std::vector<double>> design_;  // initial design, in unit coordinates
  std::vector<std::vector<double>> points_;  // observed, unit coordinates
  std::vector<double> values_;
  GaussianProcess gp_;
  double lastEi_ = -1;
};

}  // namespace trustct
