#include "recon/learned/training/ModelTraining.h"

#include <chrono>
#include <filesystem>

#include "recon/core/Job.h"
#include "recon/learned/training/DistributedGroup.h"
#include "recon/learned/models/ModelStore.h"

namespace trustct {

TrainingOutcome trainModel(const TrainingPlan& plan, const ReconstructionEnvironment& env, JobContext& ctx,
                           const TrainingObserver& observer) {
  const ModelKind kind = plan.spec.kind;
  const bool writes = !plan.group || plan.group->isRoot();
  if (writes) std::filesystem::create_directories(plan.outDir);
  torch::manual_seed(plan.options.seed);  // identical initial weights for identical seeds
  const auto model = makeLearnedModel(plan.spec, env.op);
  nlohmann::json initialisedFrom;
  if (!plan.initFrom.empty()) {  // a resumed checkpoint overrides it, as it should
    const StoredModel start = loadModel(plan.initFrom, env.op, env.device);
    model->initialiseFrom(*start.model);
    initialisedFrom = {{"directory", plan.initFrom},
                       {"model", modelId(start.model->spec().kind)},
                       {"weights_fingerprint", start.model->weightsFingerprint()}};
  }
  TrainingSet train, validation;
  JobContext data("simulate", &ctx);
  data.run([&](JobContext& c) {
    train = plan.train.build(env.op, &c);
    validation = plan.validation.build(env.op, &c);
  });
  Trainer trainer(*model, env.device, plan.options);
  trainer.setObserver(observer);
  trainer.setDistributed(plan.group);
  TrainingOutcome outcome;
  TrainingResult& result = outcome.result;
  JobContext job("train " + modelId(kind), &ctx);
  job.run([&](JobContext& c) { result = trainer.run(train, validation, c); });

  // Test metrics for the card on the held-out 1000-series seed (reported, never used for choices).
  const TrainingSet test = TrainingSet::simulate(env.op, plan.testCount, plan.testSeed, plan.testNoise);
  const auto t0 = std::chrono::steady_clock::now();
  outcome.testPsnr = meanPsnrAcrossRanks(*model, test, env.device, plan.spec.maxIterations, 8, nullptr, plan.group.get(),
                                         &outcome.testSsim);
  outcome.msPerSlice =
      1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / double(test.size());
  outcome.testCount = test.size();
  const TrainingOptions& options = plan.options;
  // The validation PSNR of the weights written (the last epoch's, or measured now when the run stopped
  // inside an epoch) beside FBP's on the same images: what publishing a model is judged on.
  const bool validatedLast =
      !result.history.empty() && result.history.back().value("steps", int64_t(-1)) == result.steps;
  const double validationPsnr =
      validation.size() == 0 || validatedLast
          ? result.validationPsnr
          : meanPsnrAcrossRanks(*model, validation, env.device, options.validationIterations, 8, nullptr,
                                plan.group.get());
  nlohmann::json card = {
      {"training",
       {{"command", plan.command},
        {"sessions", result.sessions},
        {"data", train.description},
        {"validation", validation.description},
        {"seed", options.seed},
        {"optimizer", {{"name", "adam"}, {"lr", options.learningRate}, {"batch", options.batchSize}}},
        {"loss", "mse"},
        {"method", kind == ModelKind::UNet ? "supervised on FBP (Hann) input"
                                           : "JFB: train_iterations - 1 iterations without gradients (warm start clamp(FBP Hann)), then one differentiable step"},
        {"train_iterations", options.trainIterations},
        {"initialised_from", initialisedFrom},
        {"epochs_done", result.epochsDone},
        {"steps", result.steps},
        {"wall_time_seconds", result.seconds},
        {"threads", at::get_num_threads()},
        {"device", env.device.str()},
        {"history", result.history}}},
      {"test",
       {{"seed", static_cast<long long>(plan.testSeed)},
        {"count", test.size()},
        {"psnr", outcome.testPsnr},
        {"ssim", outcome.testSsim},
        {"max_iterations", plan.spec.maxIterations},
        {"ms_per_slice", outcome.msPerSlice},
        {"fbp_psnr", fbpPsnr(test)}}}};
  if (validation.size() > 0)
    card["validation"] = {{"count", validation.size()},
                          {"psnr", validationPsnr},
                          {"fbp_psnr", fbpPsnr(validation)},
                          {"max_iterations", options.validationIterations}};
  if (options.ratePenalty > 0)
    card["training"]["rate_penalty"] = {{"weight", options.ratePenalty}, {"target", options.rateTarget}};
  if (options.earlyLossWeight > 0)
    card["training"]["early_loss"] = {{"weight", options.earlyLossWeight}, {"iterations", options.earlyIterations}};
  if (auto* l2o = dynamic_cast<L2OModel*>(model.get())) {
    const auto s = l2o->net()->stepValues();
    card["learned_steps"] = {{"alpha", s.alpha}, {"beta", s.beta}, {"lambda", s.lambda}, {"s", s.s}};
  }
  const int64_t sessionSteps = result.steps - result.sessions.back().value("first_step", int64_t(0));
  outcome.weightsFingerprint = trainer.checkedWeightsFingerprint();  // identical on every rank, or an error
  if (plan.group)
    card["training"]["distributed"] = {{"world_size", plan.group->size()},
                                       {"backend", plan.group->backend()},
                                       {"global_batch", options.batchSize},
                                       {"per_rank_batch", options.batchSize / plan.group->size()},
                                       {"communication_ms_per_step", sessionSteps > 0 ? 1000 * result.communicationSeconds / sessionSteps : 0.0}};
  if (writes) saveModel(*model, env.geometry(), plan.outDir, card);
  return outcome;
}

}  // namespace trustct
