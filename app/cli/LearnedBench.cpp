// bench, learned part: one fixed-point iteration per model, one training step per model (JFB with a
// fixed iteration cap), the Scale_L2O vs Implicit L2O epoch-time ratio and ms per slice of the shipped
// models.
#include <torch/torch.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "recon/core/Job.h"
#include "recon/learned/models/LearnedMethods.h"
#include "recon/learned/training/Trainer.h"
#include "recon/methods/FusedUpdates.h"
#include "recon/methods/LAdmmSolver.h"

namespace trustct::cli {
namespace {

double millisecondsOf(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double medianOf(int reps, const std::function<void()>& f) {
  f();
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) t.push_back(millisecondsOf(f));
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

long residentKb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Peak RSS growth (KiB) while `work` runs, measured in a forked child because the high-water mark
// ru_maxrss never goes down in this process. The child runs single-threaded (OpenMP pools do not fork).
long peakGrowthKb(const std::function<void()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    at::set_num_threads(1);
    const long before = residentKb();
    work();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const long growth = usage.ru_maxrss - before;
    (void)!write(fds[1], &growth, sizeof growth);
    _exit(0);
  }
  close(fds[1]);
  long growth = -1;
  if (pid < 0 || read(fds[0], &growth, sizeof growth) != sizeof growth) growth = -1;
  close(fds[0]);
  if (pid > 0) waitpid(pid, nullptr, 0);
  return growth;
}

}  // namespace

nlohmann::json benchLearned(const ReconstructionEnvironment& env, int reps, int batch, int trainIterations) {
  torch::AutoGradMode gradients(true);  // the caller benchmarks inference under NoGradGuard
  nlohmann::json out = {{"batch", batch}, {"train_iterations", trainIterations}, {"models", nlohmann::json::array()}};
  const TrainingSet data = TrainingSet::simulate(env.op, batch, 424242, 0.015);
  const torch::Tensor d = data.sinograms.to(env.device), fbp = data.fbp.to(env.device);
  std::printf("\n%-14s %6s %16s %18s %12s\n", "learned model", "batch", "iteration ms", "train step ms", "params");
  std::map<ModelKind, double> stepMs;
  for (ModelKind kind : allModelKinds()) {
    torch::manual_seed(0);
    const auto model = makeLearnedModel(ModelSpec::defaults(kind), env.op);
    model->to(env.device);
    // One iteration of the fixed-point map (the whole forward pass for U-Net).
    const double iterMs = medianOf(reps, [&] { model->infer(d, fbp, 1, nullptr); });
    TrainingOptions o;
    o.batchSize = batch;
    o.trainIterations = trainIterations;
    Trainer trainer(*model, env.device, o);
    const double trainMs = medianOf(std::max(1, reps / 5), [&] { trainer.step(data.images, data.sinograms, data.fbp); });
    stepMs[kind] = trainMs;
    std::printf("%-14s %6d %16.1f %18.1f %12lld\n", modelDisplayName(kind).c_str(), batch, iterMs, trainMs,
                static_cast<long long>(model->trainableParameters()));
    out["models"].push_back({{"model", modelId(kind)},
                             {"iteration_ms", iterMs},
                             {"train_step_ms", trainMs},
                             {"parameters", model->parameterReport()}});
  }
  const double ratio = stepMs[ModelKind::ImplicitL2O] / stepMs[ModelKind::ScaleL2O];
  std::printf("Implicit L2O / Scale_L2O training-epoch time ratio: %.2fx (paper: 4x on a P100)\n", ratio);
  out["epoch_time_ratio_implicit_over_scale"] = ratio;

  // Where an L2O L-ADMM iteration's time goes: the whole step, as tensor expressions (the reference
  // path, NCHW) and with its elementwise updates fused (channels-last), against its three 5×5 C→C R
  // convolutions alone (NCHW and channels-last), same batch, same process.
  for (ModelKind kind : {ModelKind::ScaleL2O, ModelKind::ImplicitL2O}) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(0);
    ModelSpec spec = ModelSpec::defaults(kind);
    // The convergent recipe (docs/learned-methods.md): a state that stays finite as the timed steps
    // advance it (the papers' initial steps with an untrained R grow it towards overflow).
    spec.prox = ConvL2ONetImpl::Prox::Shrinkage;
    spec.rLipschitz = 0.2;
    spec.steps = tvMinSteps();
    const auto model = makeLearnedModel(spec, env.op);
    model->to(env.device);
    const ConvL2ONet net = dynamic_cast<L2OModel&>(*model).net();
    LAdmmSolver solver(env.op, *net);
    const torch::Tensor delta = net->delta(d);
    LAdmmState state = solver.initialState(fbp.clamp(0.0, 1.0), d, delta);
    const double referenceMs = medianOf(reps, [&] { solver.referenceStep(state, d, delta, net->steps()); });
    LAdmmState fusedState = LAdmmSolver::fusedLayout(state);
    const bool fuses = LAdmmSolver::fusesStep(fusedState);
    const double iterationMs = fuses ? medianOf(reps, [&] { solver.fusedStep(fusedState, d, delta, net->steps()); }) : referenceMs;
    const auto params = net->named_parameters();
    auto convs = [&](torch::MemoryFormat format) {
      const torch::Tensor q0 = torch::randn_like(state.p).contiguous(format);
      std::vector<torch::Tensor> w;
      for (int i = 0; i < 3; ++i) w.push_back(params["R" + std::to_string(i) + "_weight"].contiguous(format));
      return medianOf(reps, [&] {
        torch::Tensor q = q0;
        for (int i = 0; i < 3; ++i)
          q = torch::nn::functional::conv2d(
              q, w[i], torch::nn::functional::Conv2dFuncOptions().bias(params["R" + std::to_string(i) + "_bias"]).padding(2));
      });
    };
    const double convMs = convs(torch::MemoryFormat::Contiguous), convLastMs = convs(torch::MemoryFormat::ChannelsLast);
    const double convBest = std::min(convMs, convLastMs);
    // The fused step's parts, each timed alone on its own operands (their sum exceeds the step by the
    // cache reuse between them).
    nlohmann::json parts;
    if (fuses) {
      const LAdmmState& z = fusedState;
      const auto st = net->steps();
      const double alpha = st.alpha.item<double>(), lambda = st.lambda.item<double>();
      const torch::Tensor kx = net->applyK(z.x).contiguous(z.p.suggest_memory_format()), ax = env.op->forward(z.x.squeeze(1));
      parts = {{"K", medianOf(reps, [&] { net->applyK(z.x); })},
               {"K_channels_last", medianOf(reps, [&] { net->applyK(z.x).contiguous(z.p.suggest_memory_format()); })},
               {"A", medianOf(reps, [&] { env.op->forward(z.x.squeeze(1)); })},
               {"prox", medianOf(reps, [&] { net->proxNoGrad(z.p, lambda); })},
               {"prox_argument", medianOf(reps, [&] { fused::proxArgument(z.p, z.nu1, kx, lambda, alpha); })},
               {"dual_update", medianOf(reps, [&] { fused::dualUpdate(z.nu1, kx, z.p, alpha); })},
               {"data_block", medianOf(reps, [&] {
                  LAdmmSolver::projectBall(fused::proxArgument(z.w, z.nu2, ax, lambda, alpha), d, delta);
                  fused::dualUpdate(z.nu2, ax, z.w, alpha);
                })},
               {"Kt", medianOf(reps, [&] { net->applyKt(z.nu1); })},
               {"At", medianOf(reps, [&] { env.op->adjoint(z.nu2); })}};
    }
    std::printf("%s L-ADMM iteration, batch %d: %.1f ms %s (reference path: %.1f ms); its three R convolutions "
                "alone: %.1f ms (channels-last %.1f ms); iteration / convolutions %.2fx (goal <= 1.4x), reference %.2fx\n",
                modelDisplayName(kind).c_str(), batch, iterationMs, fuses ? "fused" : "(no fused path on this device)", referenceMs, convMs, convLastMs,
                iterationMs / convBest, referenceMs / convBest);
    if (!parts.empty()) {
      std::printf("  its parts alone (ms):");
      for (const auto& [name, ms] : parts.items()) std::printf(" %s %.1f", name.c_str(), ms.get<double>());
      std::printf("\n");
    }
    out[kind == ModelKind::ScaleL2O ? "scale_l2o_iteration" : "implicit_l2o_iteration"] = {{"iteration_ms", iterationMs},
                                  {"fused", fuses},
                                  {"reference_iteration_ms", referenceMs},
                                  {"r_convolutions_ms", convMs},
                                  {"r_convolutions_channels_last_ms", convLastMs},
                                  {"ratio", iterationMs / convBest},
                                  {"reference_ratio", referenceMs / convBest},
                                  {"parts_ms", parts}};
  }

  // JFB: memory must not grow with the iteration cap (only the last step keeps a graph).
  {
    torch::manual_seed(0);
    const auto model = makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), env.op);
    model->to(env.device);
    std::map<int, long> growth;
    for (int cap : {20, 200}) {
      TrainingOptions o;
      o.batchSize = batch;
      o.trainIterations = cap;
      Trainer trainer(*model, env.device, o);
      growth[cap] = peakGrowthKb([&] { trainer.step(data.images, data.sinograms, data.fbp); });
    }
    const double rel = growth[20] > 0 ? double(growth[200] - growth[20]) / double(growth[20]) : 0;
    std::printf("Scale_L2O JFB step peak-RSS growth: %.1f MiB at 20 iterations, %.1f MiB at 200 (%+.1f %%, goal < 10 %%)\n",
                growth[20] / 1024.0, growth[200] / 1024.0, 100 * rel);
    out["jfb_peak_rss_growth_kib"] = {{"cap_20", growth[20]}, {"cap_200", growth[200]}, {"relative", rel}};
  }

  std::printf("\n%-14s %6s %12s %12s\n", "shipped model", "batch", "ms/slice", "iterations");
  out["shipped"] = nlohmann::json::array();
  for (ModelKind kind : allModelKinds()) {
    const std::string problem = storedModelProblem(shippedModelDirectory(env.resourceDir, kind));
    if (!problem.empty()) {
      std::printf("%-14s %s\n", modelDisplayName(kind).c_str(), problem.c_str());
      continue;
    }
    const auto method = LearnedMethod::loadShipped(env, kind);
    JobContext ctx("bench");
    int iterations = 0;
    const double ms = medianOf(std::max(1, reps / 7), [&] {
      const auto r = method->reconstruct(data.sinograms, ctx);
      iterations = r.iterations.empty() ? 0 : r.iterations[0];
    }) / double(batch);
    std::printf("%-14s %6d %12.1f %12d\n", modelDisplayName(kind).c_str(), batch, ms, iterations);
    out["shipped"].push_back({{"model", modelId(kind)}, {"ms_per_slice", ms}, {"iterations", iterations}});
  }
  return out;
}

}  // namespace trustct::cli
