#include "recon/learned/training/StepSizeSearch.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"

namespace trustct {

std::vector<BayesianOptimizer::Dimension> StepSearchPlan::paperSpace() {
  return {{"alpha", 0.01, 100, true}, {"beta", 0.001, 1, true}, {"lambda", 0.01, 2, true}, {"s", -9, -2, false}};
}

ConvL2ONetImpl::Steps bestSteps(const nlohmann::json& log, const std::string& source) {
  try {
    const auto& b = log.at("best");
    return {b.at("alpha").get<double>(), b.at("beta").get<double>(), b.at("lambda").get<double>(), b.at("s").get<double>()};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, std::string("not an optimize-steps result (needs best.alpha/beta/lambda/s): ") + e.what());
  }
}

nlohmann::json searchStepSizes(const StepSearchPlan& plan, const ReconstructionEnvironment& env, JobContext& ctx,
                               const std::function<void(const StepSearchTrial&)>& onTrial) {
  const uint64_t seed = plan.trialOptions.seed;
  BayesianOptimizer bo(plan.space, seed, plan.initial);
  TrainingDataSpec subsetSpec = plan.train;
  subsetSpec.count = std::max<int64_t>(1, plan.train.count / 10);  // 10 % of the training set
  const TrainingSet train = subsetSpec.build(env.op);
  const TrainingSet validation = plan.validation.build(env.op);

  nlohmann::json log = {{"command", plan.command},
                        {"seed", seed},
                        {"training_subset", train.description},
                        {"training_set_count", plan.train.count},
                        {"validation", validation.description},
                        {"trial_steps", plan.trialSteps},
                        {"space", nlohmann::json::array()},
                        {"trials", nlohmann::json::array()}};
  for (const auto& d : bo.dimensions())
    log["space"].push_back({{"name", d.name}, {"lo", d.lo}, {"hi", d.hi}, {"log_scale", d.logScale}});
  for (int t = 0; t < plan.trials; ++t) {
    ctx.throwIfCancelled();
    const bool fromDesign = bo.observations() < plan.initial;
    const std::vector<double> p = bo.suggest();
    const auto t0 = std::chrono::steady_clock::now();
    ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
    spec.channels = plan.channels;
    spec.steps = {p[0], p[1], p[2], p[3]};
    torch::manual_seed(seed);  // every trial starts from the same K and R
    const auto model = makeLearnedModel(spec, env.op);
    TrainingOptions options = plan.trialOptions;
    options.epochs = 1000000;
    options.maxSteps = plan.trialSteps;
    Trainer trainer(*model, env.device, options);
    JobContext inner("trial", &ctx);
    TrainingResult r;
    double score = std::numeric_limits<double>::quiet_NaN();
    try {
      r = trainer.run(train, TrainingSet{}, inner);
      score = trainer.validate(validation, &inner);
    } catch (const TrainingDiverged&) {
      r.lastLoss = std::numeric_limits<double>::quiet_NaN();
    }
    const bool finite = std::isfinite(score);
    // A diverged trial scores 1 dB below the worst finite one so the surrogate learns to avoid it.
    if (!finite) score = (bo.observations() ? std::min(0.0, bo.bestValue()) : 0.0) - 1.0;
    bo.observe(p, score);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log["trials"].push_back({{"trial", t + 1},
                             {"phase", fromDesign ? "initial design" : "expected improvement"},
                             {"expected_improvement", fromDesign ? nlohmann::json(nullptr) : nlohmann::json(bo.lastExpectedImprovement())},
                             {"alpha", p[0]},
                             {"beta", p[1]},
                             {"lambda", p[2]},
                             {"s", p[3]},
                             {"validation_psnr", score},
                             {"finite", finite},
                             {"last_loss", r.lastLoss},
                             {"seconds", seconds}});
    const std::vector<double> best = bo.bestPoint();
    log["best"] = {{"alpha", best[0]}, {"beta", best[1]}, {"lambda", best[2]}, {"s", best[3]},
                   {"validation_psnr", bo.bestValue()}};
    if (bo.observations() > plan.initial)
      log["surrogate"] = {{"length_scales", bo.surrogate().lengthScales()},
                          {"signal_variance", bo.surrogate().signalVariance()},
                          {"noise_variance", bo.surrogate().noiseVariance()},
                          {"log_marginal_likelihood", bo.surrogate().logMarginalLikelihood()}};
    if (!plan.logPath.empty()) writeTextAtomically(plan.logPath, log.dump(2) + "\n");
    if (onTrial)
      onTrial({t + 1, fromDesign, {p[0], p[1], p[2], p[3]}, score, finite, bo.bestValue(),
               {best[0], best[1], best[2], best[3]}});
    char msg[200];
    std::snprintf(msg, sizeof msg, "trial %d/%d: alpha %.4g beta %.4g lambda %.4g s %.3f -> %.2f dB (best %.2f dB)", t + 1,
                  plan.trials, p[0], p[1], p[2], p[3], score, bo.bestValue());
    ctx.report(double(t + 1) / plan.trials, msg);
  }
  return log;
}

}  // namespace trustct
