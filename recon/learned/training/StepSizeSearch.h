#pragma once
// Scale_L2O's Bayesian search of its frozen step sizes (α, β, λ, s), as `trustct-cli optimize-steps` and
// the training wizard run it: each trial trains K and R briefly on 10 % of the training set from the same
// initial weights and scores the validation PSNR; a diverged trial scores below the worst finite one.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "recon/learned/training/BayesianOptimizer.h"
#include "recon/learned/training/TrainingData.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

struct StepSearchPlan {
  std::vector<BayesianOptimizer::Dimension> space = paperSpace();  // alpha, beta, lambda, s
  int trials = 20;
  int initial = 8;             // Latin-hypercube design before expected improvement
  int64_t trialSteps = 20;     // Adam steps per trial
  int channels = 16;
  TrainingOptions trialOptions;  // batch, learning rate, iteration caps, seed (also the BO's seed)
  TrainingDataSpec train;        // the full training set: trials use 10 % of it
  TrainingDataSpec validation;
  std::string command;           // recorded in the log
  std::string logPath;           // JSON log rewritten after every trial; empty: none

  // The search ranges of the papers' set-up (log scale for α, β, λ; s is already a log).
  static std::vector<BayesianOptimizer::Dimension> paperSpace();
};

struct StepSearchTrial {
  int trial = 0;  // 1-based
  bool initialDesign = true;
  ConvL2ONetImpl::Steps steps;
  double validationPsnr = 0;  // the score the surrogate saw
  bool finite = true;
  double bestPsnr = 0;        // best so far
  ConvL2ONetImpl::Steps bestSteps;
};

// Returns the log: command, data, space, every trial and "best" {alpha, beta, lambda, s, validation_psnr}.
// `onTrial` is called on the working thread after each trial.
nlohmann::json searchStepSizes(const StepSearchPlan& plan, const ReconstructionEnvironment& env, JobContext& ctx,
                               const std::function<void(const StepSearchTrial&)>& onTrial = {});

// The best steps of a search log (InputError naming `source` when it has none).
ConvL2ONetImpl::Steps bestSteps(const nlohmann::json& log, const std::string& source);

}  // namespace trustct
