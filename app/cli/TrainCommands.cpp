// train and optimize-steps: the learned models' training and Scale_L2O's Bayesian step-size search.
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "Interrupt.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/learned/training/DistributedGroup.h"
#include "recon/learned/training/ModelTraining.h"
#include "recon/learned/training/StepSizeSearch.h"

namespace trustct::cli {
namespace {

std::string commandText(const char* name, const Args& args) {
  std::string c = std::string("trustct-cli ") + name;
  for (const auto& a : args) c += " " + a;
  return c;
}

std::vector<OptionSpec> dataOptions() {
  return {{"data", "SOURCE",
           "ellipses (random phantoms, analytic sinograms), lodopab:PATH (a ground_truth_*.hdf5 file or their folder) "
           "or dicom:PATH (a CT series folder); LoDoPaB and DICOM images are re-simulated on the model geometry, "
           "validation takes the samples after the training ones",
           "ellipses"},
          {"train-count", "N", "training samples", "1000"},
          {"train-seed", "S", "seed of the training set (test sets use the 1000 series)", "1"},
          {"val-count", "N", "validation samples", "32"},
          {"val-seed", "S", "seed of the validation set", "2"},
          {"noise", "LEVEL", "relative Gaussian noise", "0.015"},
          {"batch", "B", "mini-batch size", "16"},
          {"lr", "RATE", "Adam learning rate", "1e-3"},
          {"train-iterations", "N", "iterations while training (JFB: all but the last without gradients)", "50"},
          {"seed", "S", "seed of initialisation and shuffling", "0"}};
}

void checkSeedsApart(const CommandLine& cl) {
  for (const char* opt : {"train-seed", "val-seed"}) {
    const long long s = cl.integer(opt);
    if (isTestSeed(s)) throw UsageError(std::string("--") + opt + " " + std::to_string(s) +
                                                " is in the test-seed series 1000-1999; pick another seed");
  }
  if (cl.integer("train-seed") == cl.integer("val-seed")) throw UsageError("--train-seed and --val-seed must differ");
}

TrainingOptions trainingOptionsFrom(const CommandLine& cl) {
  TrainingOptions o;
  o.batchSize = static_cast<int>(cl.integer("batch", 1, 1000000));
  o.learningRate = cl.number("lr");
  o.trainIterations = static_cast<int>(cl.integer("train-iterations", 1, 1000000));
  o.validationIterations = o.trainIterations;
  o.seed = static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed));
  return o;
}

ConvL2ONetImpl::Steps stepsFromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open step-size file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not an optimize-steps result (needs best.alpha/beta/lambda/s): ") + e.what());
  }
  return bestSteps(j, path);
}

// The training and validation sets of the data options (Ellipses, analytic sinograms).
// The --data source; LoDoPaB and DICOM samples are taken in order, validation after training's.
TrainingDataSpec trainingData(const CommandLine& cl, const char* countOption, const char* seedOption, int64_t first) {
  TrainingDataSpec d;
  const std::string source = cl.value("data");
  const size_t colon = source.find(':');
  const std::string kind = source.substr(0, colon);
  if (kind == "lodopab" || kind == "dicom") {
    if (colon == std::string::npos || colon + 1 == source.size())
      throw UsageError("--data " + source + ": give the path as " + kind + ":PATH");
    d.source = kind == "lodopab" ? TrainingSource::Lodopab : TrainingSource::Dicom;
    d.path = source.substr(colon + 1);
    d.first = first;
  } else if (source != "ellipses") {
    throw UsageError("--data " + source + ": expected ellipses, lodopab:PATH or dicom:PATH");
  }
  d.count = cl.integer(countOption);
  d.seed = static_cast<uint64_t>(cl.integer(seedOption, 0, kMaxSeed));
  d.noise = cl.number("noise");
  return d;
}

std::string rangeText(const BayesianOptimizer::Dimension& d) {
  char text[64];
  std::snprintf(text, sizeof text, "%g:%g", d.lo, d.hi);
  return text;
}

// The search's options; defaults from StepSearchPlan, so the CLI and the wizard start from the same set-up.
std::vector<OptionSpec> searchOptions() {
  const StepSearchPlan d;
  return {{"log", "FILE", "JSON log of every trial and the best steps", ""},
          {"trials", "N", "trials in total", std::to_string(d.trials)},
          {"initial", "N", "space-filling initial design size", std::to_string(d.initial)},
          {"trial-steps", "N", "Adam steps per trial", std::to_string(d.trialSteps)},
          {"channels", "C", "Scale_L2O channels", std::to_string(d.channels)},
          {"alpha-range", "LO:HI", "alpha search range (log scale)", rangeText(d.space[0])},
          {"beta-range", "LO:HI", "beta search range (log scale)", rangeText(d.space[1])},
          {"lambda-range", "LO:HI", "lambda search range (log scale)", rangeText(d.space[2])},
          {"s-range", "LO:HI", "s search range (s is already a log)", rangeText(d.space[3])}};
}

// The distributed group `train` runs in: flags over torchrun's environment variables; null for one process.
std::shared_ptr<DistributedGroup> joinDistributedGroup(const CommandLine& cl) {
  DistributedOptions o = DistributedOptions::fromEnvironment();
  if (cl.has("world-size")) o.worldSize = static_cast<int>(cl.integer("world-size", 1, 65536));
  if (cl.has("rank")) o.rank = static_cast<int>(cl.integer("rank", 0, 65535));
  if (cl.has("rendezvous")) o.setRendezvous(cl.value("rendezvous"));
  o.backend = cl.value("backend");
  o.timeoutSeconds = cl.number("dist-timeout");
  if (!o.distributed()) {
    if (o.rank != 0) throw UsageError("--rank " + std::to_string(o.rank) + " needs --world-size > " + std::to_string(o.rank));
    return nullptr;
  }
  return DistributedGroup::join(o);
}

}  // namespace

int runTrain(const Args& args) {
  CommandLine cl(
      "train",
      "Trains a learned model (l2o, scale-l2o, ffpn, unet) on simulated Ellipses, LoDoPaB-CT or DICOM CT (--data); writes DIR/model.pt, DIR/model.json "
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
                                   {"prox", "FORM", "L2O learned prox: residual (the papers' R) or shrinkage (soft thresholding after R; starts as TV-Min with TV-Min's step sizes unless given)", "residual"},
                                   {"r-lipschitz", "L", "L2O: bound the spectral norm of R's convolutions by L and keep K inside L-ADMM's convergence region (0: off)", "0"},
                                   {"box-output", "", "U-Net: project the output onto [0, 1] (the box constraint holds by construction)", ""},
                                   {"relaxation", "RHO", "L2O: over-relaxation 1 <= RHO < 2 of the L-ADMM solve (1: plain iteration)", "1"},
                                   {"contraction", "C", "L2O: scale the learned prox by 0 < C <= 1, the prox of a strongly convex prior, so the solve converges linearly (1: off)", "1"},
                                   {"tv-warm-start", "N", "L2O: start each solve from FBP refined by N TV-Min iterations (0: from FBP), nearer the fixed point", "0"},
                                   {"fixed-k-scale", "", "L2O: hold ||K||_F at its starting value, so training changes K's shape, not its scale", ""},
                                   {"rate-penalty", "MU", "L2O: add MU * max(0, q - --rate-target)^2 to the loss, q the solve's measured contraction factor at its last iterate (0: off)", "0"},
                                   {"rate-target", "Q", "L2O: contraction factor 0 < Q < 1 the rate penalty allows", "0.94"},
                                   {"early-loss", "W", "L2O: add W * the MSE of the image at --early-iterations to the loss (cap consistency; 0: off)", "0"},
                                   {"early-iterations", "K", "L2O: the early cap the --early-loss image is taken at", "100"},
                                   {"steps-from", "FILE", "Scale_L2O: frozen steps from an optimize-steps result", ""},
                                   {"alpha", "A", "L2O initial/frozen alpha", ""},
                                   {"beta", "B", "L2O initial/frozen beta", ""},
                                   {"lambda", "L", "L2O initial/frozen lambda", ""},
                                   {"s", "S", "L2O initial/frozen log delta factor", ""},
                                   {"lr-final", "RATE", "cosine decay of the learning rate to RATE over all epochs (default: constant)", ""},
                                   {"step-lr", "RATE", "Implicit L2O: Adam learning rate of the step sizes (default: --lr)", ""},
                                   {"init-from", "DIR", "start from a trained model folder (same architecture; l2o also from a narrower L2O such as scale-l2o)", ""},
                                   {"test-count", "N", "test images (seed --test-seed) for the card's metrics", "20"},
                                   {"test-seed", "S", "test set seed", "1000"},
                                   {"world-size", "N", "data-parallel training over N processes (default: $WORLD_SIZE or 1); --batch is the global batch", ""},
                                   {"rank", "R", "this process's rank 0..N-1 (default: $RANK or 0); rank 0 hosts the rendezvous and alone writes into --out", ""},
                                   {"rendezvous", "URL", "tcp://HOST:PORT of rank 0 (default: tcp://$MASTER_ADDR:$MASTER_PORT or tcp://127.0.0.1:29500)", ""},
                                   {"backend", "NAME", "distributed backend: auto, gloo (CPU) or nccl (CUDA builds)", "auto"},
                                   {"dist-timeout", "S", "seconds to wait for the other ranks at rendezvous and in every collective", "300"},
                                   {"check-weights-every", "N", "distributed: compare the ranks' weights every N steps (0: at the end only)", "0"}},
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
    if (cl.has("channels")) spec.channels = static_cast<int>(cl.integer("channels", 1, 4096));
    spec.prox = parseProxForm(cl.value("prox"));
    spec.rLipschitz = cl.number("r-lipschitz");
    if (!(spec.rLipschitz >= 0)) throw UsageError("--r-lipschitz must be >= 0");
    spec.relaxation = cl.number("relaxation");
    if (!(spec.relaxation >= 1.0 && spec.relaxation < 2.0)) throw UsageError("--relaxation must be in [1, 2)");
    spec.contraction = cl.number("contraction");
    spec.fixedKScale = cl.has("fixed-k-scale");
    spec.tvWarmStart = static_cast<int>(cl.integer("tv-warm-start", 0, kMaxModelIterations));
    if (!(spec.contraction > 0 && spec.contraction <= 1.0)) throw UsageError("--contraction must be in (0, 1]");
    if (spec.prox == ConvL2ONetImpl::Prox::Shrinkage) spec.steps = tvMinSteps();
    if (cl.has("steps-from")) spec.steps = stepsFromFile(cl.value("steps-from"));
    if (cl.has("alpha")) spec.steps.alpha = cl.number("alpha");
    if (cl.has("beta")) spec.steps.beta = cl.number("beta");
    if (cl.has("lambda")) spec.steps.lambda = cl.number("lambda");
    if (cl.has("s")) spec.steps.s = cl.number("s");
    if (!(spec.steps.alpha > 0 && spec.steps.beta > 0 && spec.steps.lambda > 0))
      throw UsageError("alpha, beta and lambda must be > 0");
  }
  if (cl.has("box-output")) {
    if (kind != ModelKind::UNet) throw UsageError("--box-output applies to unet only (the L2O models project x already)");
    spec.boxOutput = true;
  }
  TrainingOptions options = trainingOptionsFrom(cl);
  options.epochs = static_cast<int>(cl.integer("epochs", 1, 1000000));
  options.validationIterations = spec.maxIterations;
  if (cl.has("max-steps")) options.maxSteps = cl.integer("max-steps");
  if (cl.has("lr-final")) options.finalLearningRate = cl.number("lr-final");
  if (cl.has("step-lr")) options.stepSizeLearningRate = cl.number("step-lr");
  if (cl.has("step-lr") && !(options.stepSizeLearningRate > 0)) throw UsageError("--step-lr must be > 0");
  if (cl.has("lr-final") && !(options.finalLearningRate > 0)) throw UsageError("--lr-final must be > 0");
  options.ratePenalty = cl.number("rate-penalty");
  options.rateTarget = cl.number("rate-target");
  if (!(options.ratePenalty >= 0)) throw UsageError("--rate-penalty must be >= 0");
  if (!(options.rateTarget > 0 && options.rateTarget < 1)) throw UsageError("--rate-target must be in (0, 1)");
  if (options.ratePenalty > 0 && kind != ModelKind::ImplicitL2O && kind != ModelKind::ScaleL2O)
    throw UsageError("--rate-penalty applies to the L2O models only");
  if (cl.integer("tv-warm-start") > 0 && kind != ModelKind::ImplicitL2O && kind != ModelKind::ScaleL2O)
    throw UsageError("--tv-warm-start applies to the L2O models only");
  options.earlyLossWeight = cl.number("early-loss");
  options.earlyIterations = static_cast<int>(cl.integer("early-iterations", 1, 1000000));
  if (!(options.earlyLossWeight >= 0)) throw UsageError("--early-loss must be >= 0");
  if (options.earlyLossWeight > 0 && kind != ModelKind::ImplicitL2O && kind != ModelKind::ScaleL2O)
    throw UsageError("--early-loss applies to the L2O models only");
  if (options.earlyLossWeight > 0 && options.earlyIterations >= options.trainIterations)
    throw UsageError("--early-iterations must be below --train-iterations");
  options.checkpointPath = (std::filesystem::path(out) / "checkpoint.pt").string();
  options.checkpointSeconds = 60 * cl.number("checkpoint-minutes");
  options.resume = cl.has("resume");
  if (cl.has("max-minutes")) options.maxSeconds = 60 * cl.number("max-minutes");
  options.sessionNote = commandText("train", args);
  options.checkWeightsEvery = static_cast<int>(cl.integer("check-weights-every", 0, 1000000000));
  const ReconstructionEnvironment env = environmentFrom(cl);
  ProgressPrinter progress(cl.has("progress"));

  TrainingPlan plan;
  plan.spec = spec;
  plan.options = options;
  plan.train = trainingData(cl, "train-count", "train-seed", 0);
  plan.validation = trainingData(cl, "val-count", "val-seed", cl.integer("train-count"));
  plan.testCount = cl.integer("test-count");
  plan.testSeed = static_cast<uint64_t>(cl.integer("test-seed", 0, kMaxSeed));
  plan.testNoise = cl.number("noise");
  if (cl.has("init-from")) plan.initFrom = cl.value("init-from");
  plan.outDir = out;
  plan.command = options.sessionNote;
  plan.group = joinDistributedGroup(cl);
  JobContext job("train");
  const InterruptScope interruptible(job);
  TrainingOutcome outcome;
  try {
    outcome = trainModel(plan, env, job);
  } catch (const CancelledError&) {
    if (std::filesystem::exists(options.checkpointPath))
      std::fprintf(stderr, "trustct-cli train: checkpoint %s kept; the same command with --resume continues from it\n",
                   options.checkpointPath.c_str());
    throw;
  }
  const TrainingResult& result = outcome.result;
  // Validation runs at the end of an epoch: a run stopped inside its first epoch has none yet.
  if (plan.group && !plan.group->isRoot()) {
    std::printf("rank %d of %d: %lld steps; weights %s, identical on every rank\n", plan.group->rank(),
                plan.group->size(), static_cast<long long>(result.steps), outcome.weightsFingerprint.c_str());
    return 0;
  }
  char validation[40] = "n/a (no epoch finished)";
  if (!result.history.empty()) std::snprintf(validation, sizeof validation, "%.2f dB", result.validationPsnr);
  std::printf("%s: %d epoch(s), %lld steps, %.0f s; validation PSNR %s; test PSNR %.2f dB, SSIM %.3f on %lld "
              "images (seed %lld); wrote %s/model.pt and model.json\n",
              modelDisplayName(kind).c_str(), result.epochsDone, static_cast<long long>(result.steps), result.seconds,
              validation, outcome.testPsnr, outcome.testSsim, static_cast<long long>(outcome.testCount),
              cl.integer("test-seed"), out.c_str());
  if (plan.group)
    std::printf("distributed over %d ranks (%s, global batch %d): weights %s, identical on every rank\n",
                plan.group->size(), plan.group->backend().c_str(), options.batchSize, outcome.weightsFingerprint.c_str());
  return 0;
}

int runOptimizeSteps(const Args& args) {
  CommandLine cl(
      "optimize-steps",
      "Bayesian optimisation of Scale_L2O's frozen step sizes (alpha, beta, lambda, s): GP surrogate (Matern 5/2, ARD, "
      "marginal-likelihood hyper-parameters), expected improvement in log space, Latin-hypercube initial design. Each "
      "trial trains K and R briefly on 10 % of the training set and scores validation PSNR.",
      joinOptions(joinOptions(searchOptions(), dataOptions()), runtimeOptions()), args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string logPath = cl.required("log");
  checkSeedsApart(cl);
  const int trials = static_cast<int>(cl.integer("trials")), initial = static_cast<int>(cl.integer("initial", 1, 1000000));
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
  StepSearchPlan plan;
  plan.space = {range("alpha-range", true), range("beta-range", true), range("lambda-range", true), range("s-range", false)};
  plan.trials = trials;
  plan.initial = initial;
  plan.trialSteps = cl.integer("trial-steps");
  plan.channels = static_cast<int>(cl.integer("channels", 1, 4096));
  plan.trialOptions = trainingOptionsFrom(cl);
  plan.train = trainingData(cl, "train-count", "train-seed", 0);
  plan.validation = trainingData(cl, "val-count", "val-seed", cl.integer("train-count"));
  plan.command = commandText("optimize-steps", args);
  plan.logPath = logPath;
  const ReconstructionEnvironment env = environmentFrom(cl);
  ProgressPrinter progress(cl.has("progress"));
  nlohmann::json log;
  JobContext job("optimize-steps");
  const InterruptScope interruptible(job);
  job.run([&](JobContext& c) { log = searchStepSizes(plan, env, c); });
  const auto& b = log["best"];
  std::printf("best of %d trials: alpha %.4g, beta %.4g, lambda %.4g, s %.3f (validation PSNR %.2f dB); log %s\n",
              trials, b["alpha"].get<double>(), b["beta"].get<double>(), b["lambda"].get<double>(),
              b["s"].get<double>(), b["validation_psnr"].get<double>(), logPath.c_str());
  return 0;
}

}  // namespace trustct::cli
