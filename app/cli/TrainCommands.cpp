// train and optimize-steps: the learned models' training and Scale_L2O's Bayesian step-size search.
#include <torch/torch.h>

#include <chrono>
#include <limits>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "recon/Errors.h"
#include "recon/Job.h"
#include "recon/learned/BayesianOptimizer.h"
#include "recon/learned/ModelStore.h"
#include "recon/learned/Trainer.h"

namespace trustct::cli {
namespace {

std::string commandText(const char* name, const Args& args) {
  std::string c = std::string("trustct-cli ") + name;
  for (const auto& a : args) c += " " + a;
  return c;
}

std::vector<OptionSpec> dataOptions() {
  return {{"train-count", "N", "training samples (Ellipses, analytic sinograms)", "1000"},
          {"train-seed", "S", "seed of the training set (test sets use the 1000 series)", "1"},
          {"val-count", "N", "validation samples", "32"},
          {"val-seed", "S", "seed of the validation set", "2"},
          {"noise", "LEVEL", "relative Gaussian noise", "0.015"},
          {"batch", "B", "mini-batch size", "16"},
          {"lr", "RATE", "Adam learning rate", "1e-3"},
          {"train-iterations", "N", "iteration cap of the no-grad fixed-point solve while training (JFB)", "50"},
          {"seed", "S", "seed of initialisation and shuffling", "0"}};
}

void checkSeedsApart(const CommandLine& cl) {
  for (const char* opt : {"train-seed", "val-seed"}) {
    const long long s = cl.integer(opt);
    if (s >= 1000 && s < 2000) throw UsageError(std::string("--") + opt + " " + std::to_string(s) +
                                                " is in the test-seed series 1000-1999; pick another seed");
  }
  if (cl.integer("train-seed") == cl.integer("val-seed")) throw UsageError("--train-seed and --val-seed must differ");
}

TrainingOptions trainingOptionsFrom(const CommandLine& cl) {
  TrainingOptions o;
  o.batchSize = static_cast<int>(cl.integer("batch"));
  o.learningRate = cl.number("lr");
  o.trainIterations = static_cast<int>(cl.integer("train-iterations"));
  o.validationIterations = o.trainIterations;
  o.seed = static_cast<uint64_t>(cl.integer("seed"));
  return o;
}

ConvL2ONetImpl::Steps stepsFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open step-size file");
  try {
    nlohmann::json j;
    in >> j;
    const auto& b = j.at("best");
    return {b.at("alpha").get<double>(), b.at("beta").get<double>(), b.at("lambda").get<double>(), b.at("s").get<double>()};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not an optimize-steps result (needs best.alpha/beta/lambda/s): ") + e.what());
  }
}

}  // namespace

int runTrain(const Args& args) {
  CommandLine cl(
      "train",
      "Trains a learned model (l2o, scale-l2o, ffpn, unet) on simulated Ellipses; writes DIR/model.pt, DIR/model.json "
      "(model card) and DIR/MODEL_CARD.md, checkpointing to DIR/checkpoint.pt.",
      joinOptions(joinOptions({{"model", "ID", "l2o, scale-l2o, ffpn or unet", ""},
                                   {"out", "DIR", "output folder", ""},
                                   {"resume", "", "continue from DIR/checkpoint.pt if it exists", ""},
                                   {"epochs", "N", "epochs", "10"},
                                   {"max-steps", "N", "stop after this many optimiser steps in total", ""},
                                   {"checkpoint-minutes", "M", "minutes between checkpoints", "5"},
                                   {"max-minutes", "M", "stop this session after M minutes (checkpoint, then write the model)", ""},
                                   {"max-iterations", "N", "iteration cap at inference and validation (default: --train-iterations)", ""},
                                   {"channels", "C", "L2O channels (default 28 for l2o, 16 for scale-l2o)", ""},
                                   {"steps-from", "FILE", "Scale_L2O: frozen steps from an optimize-steps result", ""},
                                   {"alpha", "A", "L2O initial/frozen alpha", ""},
                                   {"beta", "B", "L2O initial/frozen beta", ""},
                                   {"lambda", "L", "L2O initial/frozen lambda", ""},
                                   {"s", "S", "L2O initial/frozen log delta factor", ""},
                                   {"lr-final", "RATE", "cosine decay of the learning rate to RATE over all epochs (default: constant)", ""},
                                   {"step-lr", "RATE", "Implicit L2O: Adam learning rate of the step sizes (default: --lr)", ""},
                                   {"test-count", "N", "test images (seed --test-seed) for the card's metrics", "20"},
                                   {"test-seed", "S", "test set seed", "1000"}},
                                  dataOptions()),
                    runtimeOptions()),
      args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const ModelKind kind = parseModelKind(cl.required("model"));
  const std::string out = cl.required("out");
  checkSeedsApart(cl);
  ModelSpec spec = ModelSpec::defaults(kind);
  // A JFB model is trained at its iteration cap; by default it is also used (and validated) at that cap.
  spec.maxIterations = static_cast<int>(cl.has("max-iterations") ? cl.integer("max-iterations") : cl.integer("train-iterations"));
  if (kind == ModelKind::ImplicitL2O || kind == ModelKind::ScaleL2O) {
    if (cl.has("channels")) spec.channels = static_cast<int>(cl.integer("channels"));
    if (cl.has("steps-from")) spec.steps = stepsFromFile(cl.value("steps-from"));
    if (cl.has("alpha")) spec.steps.alpha = cl.number("alpha");
    if (cl.has("beta")) spec.steps.beta = cl.number("beta");
    if (cl.has("lambda")) spec.steps.lambda = cl.number("lambda");
    if (cl.has("s")) spec.steps.s = cl.number("s");
    if (!(spec.steps.alpha > 0 && spec.steps.beta > 0 && spec.steps.lambda > 0))
      throw UsageError("alpha, beta and lambda must be > 0");
  }
  TrainingOptions options = trainingOptionsFrom(cl);
  options.epochs = static_cast<int>(cl.integer("epochs"));
  options.validationIterations = spec.maxIterations;
  if (cl.has("max-steps")) options.maxSteps = cl.integer("max-steps");
  if (cl.has("lr-final")) options.finalLearningRate = cl.number("lr-final");
  if (cl.has("step-lr")) options.stepSizeLearningRate = cl.number("step-lr");
  if (cl.has("step-lr") && !(options.stepSizeLearningRate > 0)) throw UsageError("--step-lr must be > 0");
  if (cl.has("lr-final") && !(options.finalLearningRate > 0)) throw UsageError("--lr-final must be > 0");
  options.checkpointPath = (std::filesystem::path(out) / "checkpoint.pt").string();
  options.checkpointSeconds = 60 * cl.number("checkpoint-minutes");
  options.resume = cl.has("resume");
  if (cl.has("max-minutes")) options.maxSeconds = 60 * cl.number("max-minutes");
  options.sessionNote = commandText("train", args);
  const ReconstructionEnvironment env = environmentFrom(cl);
  std::filesystem::create_directories(out);
  ProgressPrinter progress(cl.has("progress"));

  torch::manual_seed(options.seed);  // identical initial weights for identical seeds
  const auto model = makeLearnedModel(spec, env.op);
  TrainingSet train, validation, test;
  JobContext data("simulate");
  data.run([&](JobContext& c) {
    train = TrainingSet::simulate(env.op, cl.integer("train-count"), cl.integer("train-seed"), cl.number("noise"), &c);
    validation = TrainingSet::simulate(env.op, cl.integer("val-count"), cl.integer("val-seed"), cl.number("noise"), &c);
  });
  Trainer trainer(*model, env.device, options);
  TrainingResult result;
  JobContext job("train " + modelId(kind));
  job.run([&](JobContext& c) { result = trainer.run(train, validation, c); });

  // Test metrics for the card on the held-out 1000-series seed (reported, never used for choices).
  test = TrainingSet::simulate(env.op, cl.integer("test-count"), cl.integer("test-seed"), cl.number("noise"));
  double testSsim = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const double testPsnr = meanPsnr(*model, test, env.device, spec.maxIterations, 8, nullptr, &testSsim);
  const double msPerSlice =
      1000 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / double(test.size());
  nlohmann::json card = {
      {"training",
       {{"command", commandText("train", args)},
        {"sessions", result.sessions},
        {"data", train.description},
        {"validation", validation.description},
        {"seed", options.seed},
        {"optimizer", {{"name", "adam"}, {"lr", options.learningRate}, {"batch", options.batchSize}}},
        {"loss", "mse"},
        {"method", kind == ModelKind::UNet ? "supervised on FBP (Hann) input"
                                           : "JFB: no-grad fixed point (warm start clamp(FBP Hann)), one differentiable step"},
        {"train_iterations", options.trainIterations},
        {"epochs_done", result.epochsDone},
        {"steps", result.steps},
        {"wall_time_seconds", result.seconds},
        {"threads", at::get_num_threads()},
        {"device", env.device.str()},
        {"history", result.history}}},
      {"test",
       {{"seed", cl.integer("test-seed")},
        {"count", test.size()},
        {"psnr", testPsnr},
        {"ssim", testSsim},
        {"max_iterations", spec.maxIterations},
        {"ms_per_slice", msPerSlice}}}};
  if (auto* l2o = dynamic_cast<L2OModel*>(model.get())) {
    const auto s = l2o->net()->stepValues();
    card["learned_steps"] = {{"alpha", s.alpha}, {"beta", s.beta}, {"lambda", s.lambda}, {"s", s.s}};
  }
  saveModel(*model, env.geometry(), out, card);
  std::printf("%s: %d epoch(s), %lld steps, %.0f s; validation PSNR %.2f dB; test PSNR %.2f dB, SSIM %.3f on %lld "
              "images (seed %lld); wrote %s/model.pt and model.json\n",
              modelDisplayName(kind).c_str(), result.epochsDone, static_cast<long long>(result.steps), result.seconds,
              result.validationPsnr, testPsnr, testSsim, static_cast<long long>(test.size()), cl.integer("test-seed"),
              out.c_str());
  return 0;
}

int runOptimizeSteps(const Args& args) {
  CommandLine cl(
      "optimize-steps",
      "Bayesian optimisation of Scale_L2O's frozen step sizes (alpha, beta, lambda, s): GP surrogate (Matern 5/2, ARD, "
      "marginal-likelihood hyper-parameters), expected improvement in log space, Latin-hypercube initial design. Each "
      "trial trains K and R briefly on 10 % of the training set and scores validation PSNR.",
      joinOptions(joinOptions({{"log", "FILE", "JSON log of every trial and the best steps", ""},
                                   {"trials", "N", "trials in total", "20"},
                                   {"initial", "N", "space-filling initial design size", "8"},
                                   {"trial-steps", "N", "Adam steps per trial", "20"},
                                   {"channels", "C", "Scale_L2O channels", "16"},
                                   {"alpha-range", "LO:HI", "alpha search range (log scale)", "0.01:100"},
                                   {"beta-range", "LO:HI", "beta search range (log scale)", "0.001:1"},
                                   {"lambda-range", "LO:HI", "lambda search range (log scale)", "0.01:2"},
                                   {"s-range", "LO:HI", "s search range (s is already a log)", "-9:-2"}},
                                  dataOptions()),
                    runtimeOptions()),
      args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string logPath = cl.required("log");
  checkSeedsApart(cl);
  const int trials = static_cast<int>(cl.integer("trials")), initial = static_cast<int>(cl.integer("initial"));
  if (trials < initial || initial < 2) throw UsageError("need 2 <= --initial <= --trials");
  auto range = [&](const char* opt, bool logScale) {
    const std::string v = cl.value(opt);
    const size_t colon = v.find(':');
    if (colon == std::string::npos) throw UsageError(std::string("--") + opt + " expects LO:HI");
    try {
      return BayesianOptimizer::Dimension{std::string(opt).substr(0, std::string(opt).find('-')), std::stod(v.substr(0, colon)),
                                          std::stod(v.substr(colon + 1)), logScale};
    } catch (const std::exception&) {
      throw UsageError(std::string("--") + opt + " expects two numbers LO:HI");
    }
  };
  const uint64_t seed = static_cast<uint64_t>(cl.integer("seed"));
  BayesianOptimizer bo({range("alpha-range", true), range("beta-range", true), range("lambda-range", true),
                        range("s-range", false)},
                       seed, initial);
  const ReconstructionEnvironment env = environmentFrom(cl);
  ProgressPrinter progress(cl.has("progress"));
  const int64_t fullCount = cl.integer("train-count");
  const int64_t subset = std::max<int64_t>(1, fullCount / 10);  // 10 % of the training set
  TrainingSet train = TrainingSet::simulate(env.op, subset, cl.integer("train-seed"), cl.number("noise"));
  TrainingSet validation = TrainingSet::simulate(env.op, cl.integer("val-count"), cl.integer("val-seed"), cl.number("noise"));

  nlohmann::json log = {{"command", commandText("optimize-steps", args)},
                        {"seed", seed},
                        {"training_subset", train.description},
                        {"training_set_count", fullCount},
                        {"validation", validation.description},
                        {"trial_steps", cl.integer("trial-steps")},
                        {"space", nlohmann::json::array()},
                        {"trials", nlohmann::json::array()}};
  for (const auto& d : bo.dimensions())
    log["space"].push_back({{"name", d.name}, {"lo", d.lo}, {"hi", d.hi}, {"log_scale", d.logScale}});
  JobContext job("optimize-steps");
  job.run([&](JobContext& c) {
    for (int t = 0; t < trials; ++t) {
      c.throwIfCancelled();
      const bool fromDesign = bo.observations() < initial;
      const std::vector<double> p = bo.suggest();
      const auto t0 = std::chrono::steady_clock::now();
      ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
      spec.channels = static_cast<int>(cl.integer("channels"));
      spec.steps = {p[0], p[1], p[2], p[3]};
      torch::manual_seed(seed);  // every trial starts from the same K and R
      const auto model = makeLearnedModel(spec, env.op);
      TrainingOptions options = trainingOptionsFrom(cl);
      options.epochs = 1000000;
      options.maxSteps = cl.integer("trial-steps");
      Trainer trainer(*model, env.device, options);
      JobContext inner("trial", &c);
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
      if (bo.observations() > initial)
        log["surrogate"] = {{"length_scales", bo.surrogate().lengthScales()},
                            {"signal_variance", bo.surrogate().signalVariance()},
                            {"noise_variance", bo.surrogate().noiseVariance()},
                            {"log_marginal_likelihood", bo.surrogate().logMarginalLikelihood()}};
      writeJsonFile(logPath, log.dump(2));
      char msg[200];
      std::snprintf(msg, sizeof msg, "trial %d/%d: alpha %.4g beta %.4g lambda %.4g s %.3f -> %.2f dB (best %.2f dB)", t + 1,
                    trials, p[0], p[1], p[2], p[3], score, bo.bestValue());
      c.report(double(t + 1) / trials, msg);
    }
  });
  const auto& b = log["best"];
  std::printf("best of %d trials: alpha %.4g, beta %.4g, lambda %.4g, s %.3f (validation PSNR %.2f dB); log %s\n",
              trials, b["alpha"].get<double>(), b["beta"].get<double>(), b["lambda"].get<double>(),
              b["s"].get<double>(), b["validation_psnr"].get<double>(), logPath.c_str());
  return 0;
}

}  // namespace trustct::cli
