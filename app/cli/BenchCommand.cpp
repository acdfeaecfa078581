// bench: speed of the core kernels, each against its baseline in the same process. Medians.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/methods/FbpMethod.h"
#include "recon/methods/TvMin.h"

namespace trustct::cli {
namespace {

double medianMs(int reps, const std::function<void()>& f) {
  f();  // warm-up: caches, lazy device tensors
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
  return t[t.size() / 2];
}

}  // namespace

int runBench(const Args& args) {
  std::vector<OptionSpec> opts = {{"reps", "N", "repetitions per kernel (median reported)", "21"},
                                  {"tv-slices", "N", "slices for the TV-Min timing", "8"},
                                  {"json", "OUT", "also write the results as JSON", ""},
                                  {"learned-batch", "B", "batch for the learned models' timings (0 = skip them)", "8"},
                                  {"learned-train-iterations", "N", "JFB iteration cap for the training-step timing", "20"}};
  for (auto& o : runtimeOptions()) opts.push_back(o);
  CommandLine cl("bench", "Benchmarks the Radon operator (our CSR kernel vs LibTorch's sparse product), FBP, TV-Min and the learned models.",
                 opts, args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const int reps = static_cast<int>(cl.integer("reps", 1, 1000000));
  if (reps < 1) throw UsageError("--reps must be >= 1");
  const ReconstructionEnvironment env = environmentFrom(cl);
  torch::NoGradGuard noGrad;
  const Geometry& g = env.geometry();
  const SparseMatrix& A = env.op->matrix();
  nlohmann::json result = {{"threads", at::get_num_threads()}, {"device", env.device.str()},
                           {"nnz", A.nnz()}, {"operator", nlohmann::json::array()}};
  std::printf("TrustCT bench — %s, %lld nonzeros, %d threads, device %s, median of %d\n\n", g.describe().c_str(),
              static_cast<long long>(A.nnz()), at::get_num_threads(), env.device.str().c_str(), reps);
  std::printf("%-22s %6s %12s %14s %8s\n", "operator", "batch", "ours ms", "libtorch ms", "ratio");
  for (int batch : {1, 16}) {
    const torch::Tensor x = torch::rand({batch, g.numPixels()}).to(env.device);
    const torch::Tensor y = torch::rand({batch, g.numRays()}).to(env.device);
    struct Case {
      const char* name;
      std::function<void()> ours, theirs;
    } cases[] = {{"forward A*x", [&] { A.multiply(x); }, [&] { A.multiplyTorchSparse(x, false); }},
                 {"adjoint A^T*y", [&] { A.multiplyTransposed(y); }, [&] { A.multiplyTorchSparse(y, true); }}};
    for (auto& c : cases) {
      const double ours = medianMs(reps, c.ours), theirs = medianMs(reps, c.theirs);
      std::printf("%-22s %6d %12.3f %14.3f %7.1fx\n", c.name, batch, ours, theirs, theirs / ours);
      result["operator"].push_back(
          {{"kernel", c.name}, {"batch", batch}, {"ours_ms", ours}, {"libtorch_ms", theirs}, {"ratio", theirs / ours}});
    }
  }

  const int64_t tvSlices = cl.integer("tv-slices");
  if (tvSlices < 1) throw UsageError("--tv-slices must be >= 1");
  SimulatedDataset data(env.op, PhantomKind::Ellipses, tvSlices, 424242, NoiseModel{}, true);
  torch::Tensor images, sinos;
  data.batch(0, tvSlices, images, sinos);
  sinos = sinos.to(env.device);
  std::printf("\n%-22s %6s %12s %14s\n", "method", "batch", "ms/slice", "iterations");
  FbpMethod fbp(env);
  for (int64_t b : {int64_t(1), tvSlices}) {
    JobContext ctx("bench");
    const torch::Tensor s = sinos.narrow(0, 0, b);
    const double ms = medianMs(reps, [&] { fbp.reconstruct(s, ctx); }) / double(b);
    std::printf("%-22s %6lld %12.2f %14s\n", "FBP", static_cast<long long>(b), ms, "-");
    result["fbp"].push_back({{"batch", b}, {"ms_per_slice", ms}});
  }
  TvMinMethod tv(env);
  for (int64_t b : {int64_t(1), tvSlices}) {
    JobContext ctx("bench");
    const torch::Tensor s = sinos.narrow(0, 0, b);
    int iterations = 0;
    const double ms = medianMs(std::max(1, reps / 7), [&] { iterations = tv.reconstruct(s, ctx).iterations.at(0); }) / double(b);
    std::printf("%-22s %6lld %12.1f %14d\n", "TV-Min", static_cast<long long>(b), ms, iterations);
    result["tv"].push_back({{"batch", b}, {"ms_per_slice", ms}, {"iterations", iterations}});
  }
  if (const long long lb = cl.integer("learned-batch"); lb > 0)
    result["learned"] = benchLearned(env, std::max(1, reps / 3), static_cast<int>(lb),
                                     static_cast<int>(cl.integer("learned-train-iterations", 1, 1000000)));
  std::printf("\ngoals: operator ratio >= 3x; TV-Min <= 1000 ms per 128x128 slice\n");
  if (cl.has("json")) writeJsonFile(cl.value("json"), result.dump(2));
  return 0;
}

}  // namespace trustct::cli
