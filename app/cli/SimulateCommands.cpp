// simulate and project: make data.
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "recon/core/Errors.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/Npy.h"
#include "recon/io/NpyDataset.h"

namespace trustct::cli {
namespace {

std::vector<OptionSpec> noiseOptions() {
  return {{"noise", "LEVEL", "relative noise level (0.015 = 1.5 %)", "0.015"},
          {"noise-model", "KIND", "gaussian (σ = level·mean|Ax|), per-ray, poisson or none", "gaussian"},
          {"seed", "S", "random seed", "0"}};
}

}  // namespace

int runSimulate(const Args& args) {
  CommandLine cl("simulate", "Simulates phantoms and their noisy 30x183 sinograms; writes DIR/image_NNNN.npy and DIR/sinogram_NNNN.npy.",
                 joinOptions(joinOptions({{"phantom", "KIND", "ellipses or shepp-logan", "ellipses"},
                                {"count", "N", "number of samples", "1"},
                                {"analytic", "", "exact line integrals of the phantom (the default, as in evaluate: no inverse crime)", ""},
                                {"projected", "", "A·x of the pixel image instead (the inverse crime: data from the model's own operator)", ""},
                                {"out", "DIR", "output folder (created if missing)", ""}},
                               noiseOptions()),
                        runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const PhantomKind kind = parsePhantomKind(cl.value("phantom"));
  const long long count = cl.integer("count");
  if (count < 1 || count > 1000000) throw UsageError("--count must be between 1 and 1000000");
  const std::string out = cl.required("out");
  const NoiseModel noise = NoiseModel::parse(cl.value("noise-model"), cl.number("noise"));
  const uint64_t seed = static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed));
  if (cl.has("analytic") && cl.has("projected")) throw UsageError("give at most one of --analytic and --projected");
  const bool analytic = !cl.has("projected");
  const ReconstructionEnvironment env = environmentFrom(cl);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw InputError(out, "cannot create output folder: " + ec.message());
  SimulatedDataset data(env.op, kind, count, seed, noise, analytic);
  for (long long i = 0; i < count; ++i) {
    const Sample s = data.get(i);
    char name[64];
    std::snprintf(name, sizeof name, "/image_%04lld.npy", i);
    writeNpy(out + name, s.image);
    std::snprintf(name, sizeof name, "/sinogram_%04lld.npy", i);
    writeNpy(out + name, s.sinogram);
  }
  const nlohmann::json meta = {{"phantom", cl.value("phantom")}, {"count", count},          {"seed", seed},
                               {"noise", noise.describe()},      {"analytic", analytic},
                               {"geometry", env.geometry().toJson()},
                               {"geometry_fingerprint", env.geometry().fingerprint()}};
  writeJsonFile(out + "/dataset.json", meta.dump(1));
  std::printf("wrote %lld sample(s) to %s\n", count, out.c_str());
  return 0;
}

int runProject(const Args& args) {
  CommandLine cl("project", "Normalised forward projection A·x of a 128x128 image (optionally with noise).",
                 joinOptions(joinOptions({{"image", "X.npy", "input image (128x128 or Bx128x128)", ""},
                                {"out", "S.npy", "output sinogram", ""}},
                               noiseOptions()),
                        runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string imagePath = cl.required("image"), out = cl.required("out");
  const ReconstructionEnvironment env = environmentFrom(cl);
  const torch::Tensor x = loadImageNpy(imagePath, *env.op);
  torch::NoGradGuard noGrad;
  torch::Tensor s = env.op->forward(x.to(env.device)).to(torch::kCPU);
  // Noise only when asked for: a projection is exact unless --noise is given.
  if (cl.has("noise") || cl.has("noise-model")) {
    const NoiseModel noise = NoiseModel::parse(cl.value("noise-model"), cl.number("noise"));
    const torch::Tensor flat = s.view({-1, env.geometry().numAngles, env.geometry().numBins});
    for (int64_t i = 0; i < flat.size(0); ++i) {
      Rng rng = Rng::forItem(static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed)), static_cast<uint64_t>(i));
      flat[i].copy_(addNoise(flat[i], noise, rng));
    }
  }
  writeNpy(out, s);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}

}  // namespace trustct::cli
