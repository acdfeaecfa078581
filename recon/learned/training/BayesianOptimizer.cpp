#include "recon/learned/training/BayesianOptimizer.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "recon/core/Errors.h"

namespace trustct {
namespace {

constexpr double kMinLogLength = -4.6, kMaxLogLength = 2.3;   // ℓ ∈ [0.01, 10] on the unit cube
constexpr double kMinLogNoise = -13.8, kMaxLogNoise = 0.0;    // σ_n² ∈ [1e-6, 1] (standardised y)
constexpr double kJitter = 1e-8;

torch::Tensor toTensor(const std::vector<std::vector<double>>& rows) {
  const int64_t n = static_cast<int64_t>(rows.size()), d = n ? static_cast<int64_t>(rows[0].size()) : 0;
  torch::Tensor t = torch::empty({n, d}, torch::kFloat64);
  auto a = t.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < d; ++k) a[i][k] = rows[i][k];
  return t;
}

}  // namespace

torch::Tensor GaussianProcess::matern52(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& lengthScales,
                                        const torch::Tensor& signalVariance) {
  const torch::Tensor diff = (a.unsqueeze(1) - b.unsqueeze(0)) / lengthScales;
  // The small offset keeps the gradient of the square root finite at r = 0.
  const torch::Tensor r = (diff.pow(2).sum(-1) + 1e-12).sqrt();
  const double s5 = std::sqrt(5.0);
  return signalVariance * (1 + s5 * r + 5.0 / 3.0 * r.pow(2)) * torch::exp(-s5 * r);
}

torch::Tensor GaussianProcess::negativeLogLikelihood(const torch::Tensor& x, const torch::Tensor& y,
                                                     const torch::Tensor& logParams) {
  const int64_t n = x.size(0), d = x.size(1);
  const torch::Tensor ls = logParams.narrow(0, 0, d).exp();
  const torch::Tensor k = matern52(x, x, ls, logParams[d].exp()) +
                          (logParams[d + 1].exp() + kJitter) * torch::eye(n, torch::kFloat64);
  const torch::Tensor l = torch::linalg::cholesky(k);
  const torch::Tensor alpha = torch::cholesky_solve(y.view({n, 1}), l);
  return 0.5 * (y.view({1, n}).mm(alpha)).squeeze() + l.diagonal().log().sum() + 0.5 * double(n) * std::log(2 * M_PI);
}

void GaussianProcess::fit(const torch::Tensor& xIn, const torch::Tensor& yIn, Rng& rng) {
  const torch::Tensor x = xIn.to(torch::kFloat64), yRaw = yIn.to(torch::kFloat64);
  const int64_t n = x.size(0), d = x.size(1);
  if (n < 2) throw UsageError("a Gaussian process needs at least two observations");
  yMean_ = yRaw.mean().item<double>();
  yStd_ = std::max(yRaw.std().item<double>(), 1e-9);
  const torch::Tensor y = (yRaw - yMean_) / yStd_;
  torch::Tensor best;
  double bestNll = std::numeric_limits<double>::infinity();
  for (int start = 0; start < 5; ++start) {
    torch::Tensor p = torch::empty({d + 2}, torch::kFloat64);
    for (int64_t k = 0; k < d; ++k) p[k] = rng.uniform(std::log(0.05), std::log(2.0));
    p[d] = 0.0;
    p[d + 1] = std::log(1e-2);
    p.set_requires_grad(true);
    torch::optim::Adam adam({p}, torch::optim::AdamOptions(0.05));
    for (int it = 0; it < 150; ++it) {
      adam.zero_grad();
      torch::Tensor nll;
      try {
        nll = negativeLogLikelihood(x, y, p);
      } catch (const c10::Error&) {
        break;  // not positive definite from this start: keep the last good value
      }
      nll.backward();
      adam.step();
      torch::NoGradGuard noGrad;
      p.narrow(0, 0, d).clamp_(kMinLogLength, kMaxLogLength);
      p[d].clamp_(-6.0, 6.0);
      p[d + 1].clamp_(kMinLogNoise, kMaxLogNoise);
    }
    torch::NoGradGuard noGrad;
    try {
      const double nll = negativeLogLikelihood(x, y, p).item<double>();
      if (nll < bestNll) {
        bestNll = nll;
        best = p.detach().clone();
      }
    } catch (const c10::Error&) {
    }
  }
  if (!best.defined()) throw std::runtime_error("Gaussian process fit failed from every start");
  torch::NoGradGuard noGrad;
  lengthScales_.assign(d, 0);
  for (int64_t k = 0; k < d; ++k) lengthScales_[k] = std::exp(best[k].item<double>());
  signalVariance_ = std::exp(best[d].item<double>());
  noiseVariance_ = std::exp(best[d + 1].item<double>());
  logMarginalLikelihood_ = -bestNll;
  x_ = x;
  const torch::Tensor k = matern52(x, x, best.narrow(0, 0, d).exp(), best[d].exp()) +
                          (noiseVariance_ + kJitter) * torch::eye(n, torch::kFloat64);
  cholesky_ = torch::linalg::cholesky(k);
  alpha_ = torch::cholesky_solve(y.view({n, 1}), cholesky_);
}

void GaussianProcess::predict(const torch::Tensor& xsIn, torch::Tensor& mean, torch::Tensor& stddev) const {
  torch::NoGradGuard noGrad;
  const torch::Tensor xs = xsIn.to(torch::kFloat64);
  const torch::Tensor ls = torch::tensor(lengthScales_, torch::kFloat64);
  const torch::Tensor sv = torch::tensor(signalVariance_, torch::kFloat64);
  const torch::Tensor ks = matern52(xs, x_, ls, sv);                  // (m, n)
  mean = ks.mm(alpha_).squeeze(1) * yStd_ + yMean_;
  const torch::Tensor v = torch::linalg_solve_triangular(cholesky_, ks.t(), /*upper=*/false);  // (n, m)
  stddev = (signalVariance_ - v.pow(2).sum(0)).clamp_min(1e-12).sqrt() * yStd_;
}

torch::Tensor expectedImprovement(const torch::Tensor& mean, const torch::Tensor& stddev, double best, double xi) {
  const torch::Tensor gain = mean - best - xi;
  const torch::Tensor z = gain / stddev;
  const torch::Tensor cdf = 0.5 * torch::erfc(-z / std::sqrt(2.0));
  const torch::Tensor pdf = torch::exp(-0.5 * z.pow(2)) / std::sqrt(2 * M_PI);
  return gain * cdf + stddev * pdf;
}

std::vector<std::vector<double>> latinHypercube(int n, int d, Rng& rng) {
  std::vector<std::vector<double>> pts(n, std::vector<double>(d));
  for (int k = 0; k < d; ++k) {
    std::vector<int> slots(n);
    for (int i = 0; i < n; ++i) slots[i] = i;
    for (int i = n - 1; i > 0; --i) std::swap(slots[i], slots[static_cast<int>(rng.uniform() * (i + 1))]);
    for (int i = 0; i < n; ++i) pts[i][k] = (slots[i] + rng.uniform()) / n;
  }
  return pts;
}

BayesianOptimizer::BayesianOptimizer(std::vector<Dimension> dims, uint64_t seed, int initialPoints, int candidates)
    : dims_(std::move(dims)), rng_(seed), candidates_(candidates) {
  if (dims_.empty()) throw UsageError("Bayesian optimisation needs at least one dimension");
  if (initialPoints < 2) throw UsageError("the initial design needs at least 2 points");
  for (const auto& d : dims_)
    if (!(d.hi > d.lo) || (d.logScale && d.lo <= 0)) throw UsageError("invalid range for " + d.name);
  design_ = latinHypercube(initialPoints, static_cast<int>(dims_.size()), rng_);
}

std::vector<double> BayesianOptimizer::toUnit(const std::vector<double>& p) const {
  std::vector<double> u(dims_.size());
  for (size_t k = 0; k < dims_.size(); ++k) {
    const auto& d = dims_[k];
    u[k] = d.logScale ? (std::log(p[k]) - std::log(d.lo)) / (std::log(d.hi) - std::log(d.lo)) : (p[k] - d.lo) / (d.hi - d.lo);
  }
  return u;
}

std::vector<double> BayesianOptimizer::fromUnit(const std::vector<double>& u) const {
  std::vector<double> p(dims_.size());
  for (size_t k = 0; k < dims_.size(); ++k) {
    const auto& d = dims_[k];
    p[k] = d.logScale ? std::exp(std::log(d.lo) + u[k] * (std::log(d.hi) - std::log(d.lo))) : d.lo + u[k] * (d.hi - d.lo);
  }
  return p;
}

std::vector<double> BayesianOptimizer::suggest() {
  if (points_.size() < design_.size()) {
    lastEi_ = -1;
    return fromUnit(design_[points_.size()]);
  }
  gp_.fit(toTensor(points_), torch::tensor(values_, torch::kFloat64), rng_);
  const int dim = static_cast<int>(dims_.size());
  // Candidates: uniform over the cube, plus a local cloud around the incumbent.
  std::vector<double> incumbent = points_[std::max_element(values_.begin(), values_.end()) - values_.begin()];
  std::vector<std::vector<double>> cand(candidates_, std::vector<double>(dim));
  for (int i = 0; i < candidates_; ++i)
    for (int k = 0; k < dim; ++k)
      cand[i][k] = i % 4 == 3 ? std::clamp(incumbent[k] + 0.05 * rng_.normal(), 0.0, 1.0) : rng_.uniform();
  torch::Tensor mean, sd;
  gp_.predict(toTensor(cand), mean, sd);
  const torch::Tensor ei = expectedImprovement(mean, sd, bestValue());
  const int64_t pick = ei.argmax().item<int64_t>();
  lastEi_ = ei[pick].item<double>();
  return fromUnit(cand[pick]);
}

void BayesianOptimizer::observe(const std::vector<double>& point, double value) {
  if (point.size() != dims_.size()) throw UsageError("observation has the wrong number of dimensions");
  if (!std::isfinite(value)) throw UsageError("observations must be finite (map failures to a low score)");
  points_.push_back(toUnit(point));
  values_.push_back(value);
}

std::vector<double> BayesianOptimizer::bestPoint() const {
  if (values_.empty()) return {};
  return fromUnit(points_[std::max_element(values_.begin(), values_.end()) - values_.begin()]);
}

double BayesianOptimizer::bestValue() const {
  return values_.empty() ? -std::numeric_limits<double>::infinity() : *std::max_element(values_.begin(), values_.end());
}

}  // namespace trustct
