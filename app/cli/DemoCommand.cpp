// demo: the main job on a built-in case — simulate, reconstruct with every available method, certify,
// print the comparison with certificates.
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "certs/Evaluation.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/Npy.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct::cli {

int runDemo(const Args& args) {
  std::vector<OptionSpec> opts = {{"phantom", "KIND", "ellipses or shepp-logan (Shepp–Logan lies outside the Ellipses calibration: its certificates show it)", "ellipses"},
                                  {"seed", "S", "seed (ellipses phantom and noise)", "7"},
                                  {"noise", "LEVEL", "relative Gaussian noise", "0.015"},
                                  {"methods", "LIST", "comma-separated method ids or 'all'", "all"},
                                  {"out", "DIR", "also write images and certificate JSON here", ""}};
  for (auto& o : runtimeOptions()) opts.push_back(o);
  CommandLine cl("demo", "Simulates a phantom with an exact sinogram and 1.5 % noise, reconstructs it with every available method and prints the certified comparison.",
                 opts, args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const ReconstructionEnvironment env = environmentFrom(cl);
  const uint64_t seed = static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed));
  SimulatedDataset data(env.op, parsePhantomKind(cl.value("phantom")), 1, seed,
                        NoiseModel::parse("gaussian", cl.number("noise")), true);
  const Certifier reference = Certifier::loadDefault(env);  // the columns: the properties every method has
  ProgressPrinter progress(cl.has("progress"));
  const std::string outDir = cl.value("out");
  if (!outDir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) throw InputError(outDir, "cannot create output folder: " + ec.message());
    const Sample s = data.get(0);
    writeNpy(outDir + "/reference.npy", s.image);
    writeNpy(outDir + "/sinogram.npy", s.sinogram);
  }

  std::printf("TrustCT demo: %s phantom, %s, exact sinogram with %.1f %% Gaussian noise\n", cl.value("phantom").c_str(),
              env.geometry().describe().c_str(), 100 * cl.number("noise"));
  std::printf("each method certified with its own calibration (listed below the table), as the GUI, evaluate and export do\n\n");
  std::vector<std::string> props;
  for (const auto& p : reference.suite().properties())
    if (reference.calibration().find(p->name())) props.push_back(p->name());
  std::vector<std::string> calibrations;
  std::printf("%-14s %8s %7s", "method", "PSNR dB", "SSIM");
  for (const auto& p : props) std::printf("  %-20s", p.c_str());
  std::printf("  %-14s %9s\n", "verdict", "ms");
  for (const auto& info : MethodRegistry::instance().methods(env)) {
    if (cl.value("methods") != "all" && ("," + cl.value("methods") + ",").find("," + info.id + ",") == std::string::npos)
      continue;
    if (!info.available) {
      std::printf("%-14s unavailable: %s\n", info.displayName.c_str(), info.unavailableReason.c_str());
      continue;
    }
    const auto method = MethodRegistry::instance().create(info.id, env);
    const Certifier certifier = Certifier::loadFor(env, info.id);
    const Evaluator evaluator(env, certifier);
    calibrations.push_back(info.displayName + ": calibration " + certifier.calibration().fingerprint() + ", made with '" +
                           certifier.calibration().modelId + "' (" + certifier.calibration().provenance + ")");
    std::vector<SampleResult> results;
    MethodSummary summary;
    JobContext ctx(info.displayName);
    ctx.run([&](JobContext& c) { summary = evaluator.evaluate(*method, data, 1, c, &results); });
    const CertificateReport& r = results.at(0).report;
    std::printf("%-14s %8.2f %7.3f", info.displayName.c_str(), *r.psnr, *r.ssim);
    for (const auto& p : props) {
      const Certificate* c = r.find(p);
      char cell[64];
      if (c) std::snprintf(cell, sizeof cell, "%s %.3g", labelName(c->label).c_str(), c->value);
      else std::snprintf(cell, sizeof cell, "n/a");
      std::printf("  %-20s", cell);
    }
    std::printf("  %-14s %9.1f\n", verdictText(r.overall).c_str(), summary.msPerSlice);
    if (!outDir.empty()) {
      writeNpy(outDir + "/" + info.id + ".npy", results[0].image);
      writeJsonFile(outDir + "/" + info.id + ".certificates.json", r.toJson().dump(2));
    }
  }
  std::printf("\n");
  for (const auto& c : calibrations) std::printf("%s\n", c.c_str());
  std::printf("\nlabels: pass if the value is below the 95th percentile of the calibration values, fail above;\n"
              "iterate_residual passes when the solver reached its own tolerance, fails when it stopped at its cap.\n");
  return 0;
}

}  // namespace trustct::cli
