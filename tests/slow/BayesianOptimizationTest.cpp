// Seeded Bayesian optimisation finds the optimum of a smooth function (label slow: 12 GP fits).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "recon/learned/training/BayesianOptimizer.h"

using namespace trustct;

TEST(BayesianOptimization, FindsTheMaximumOfASmoothFunctionAndIsSeeded) {
  auto run = [](uint64_t seed) {
    BayesianOptimizer bo({{"a", 0.01, 100, true}, {"b", -1, 1, false}}, seed, 6, 1024);
    for (int t = 0; t < 18; ++t) {
      const auto p = bo.suggest();
      bo.observe(p, -std::pow(std::log10(p[0]) - 1.0, 2) - std::pow(p[1] + 0.3, 2));
    }
    return bo.bestPoint();
  };
  const auto best = run(9);
  EXPECT_NEAR(std::log10(best[0]), 1.0, 0.25);
  EXPECT_NEAR(best[1], -0.3, 0.25);
  EXPECT_EQ(run(9), best);
}
