#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "Commands.h"
#include "recon/core/AtomicFile.h"
#include "recon/core/Job.h"
#include "recon/core/Runtime.h"
#include "recon/learned/models/UserModels.h"

namespace trustct::cli {

#if !TRUSTCT_HAVE_DICOM
// DicomCommands.cpp needs DCMTK; a build without it keeps the commands listed so that asking for one says
// what the build lacks instead of "unknown command".
int runImport(const Args&) { throw notBuiltError(Feature::Dicom); }
int runExport(const Args&) { throw notBuiltError(Feature::Dicom); }
int runSend(const Args&) { throw notBuiltError(Feature::Dicom); }
int runEcho(const Args&) { throw notBuiltError(Feature::Dicom); }
#endif

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"simulate", "simulate phantoms and their noisy sinograms", runSimulate},
      {"project", "normalised forward projection of an image", runProject},
      {"reconstruct", "reconstruct a sinogram and certify the result", runReconstruct},
      {"evaluate", "compare methods on a data set: PSNR, SSIM, certificate fail rates, time", runEvaluate},
      {"calibrate", "calibrate certificate labels on calibration data", runCalibrate},
      {"validate-certificates", "the certificates' detection power on perturbed scans (detection, false alarms, AUROC)",
       runValidateCertificates},
      {"bench", "benchmark the operator, FBP, TV-Min and the learned models", runBench},
      {"bench-distributed", "training steps/s: 1 process x N threads against N data-parallel processes", runBenchDistributed},
      {"train", "train a learned model (l2o, scale-l2o, ffpn, unet) with checkpoints and --resume", runTrain},
      {"publish", "publish a trained model as user:NAME with its own calibration (refused below FBP)", runPublish},
      {"optimize-steps", "Bayesian optimisation of Scale_L2O's step sizes (GP + expected improvement)", runOptimizeSteps},
      {"demo", "simulate a phantom, reconstruct it with every method and print the certified comparison", runDemo},
      {"import", "load a DICOM CT or sinogram file onto the model grid and simulate a low-dose sinogram", runImport},
      {"export", "reconstruct a DICOM CT or sinogram, certify it and write CT + SR (+ KOS) DICOM files", runExport},
      {"send", "C-STORE DICOM files to a PACS node", runSend},
      {"echo", "C-ECHO a PACS node", runEcho},
  };
  return table;
}

std::vector<OptionSpec> runtimeOptions() {
  return {{"device", "DEV", "cpu, cuda or cuda:N", "cpu"},
          {"threads", "N", "intra-op threads, 0 = the cores not busy at start (all of an idle machine)", "0"},
          {"progress", "", "print progress to stderr even when it is not a terminal", ""}};
}

ReconstructionEnvironment environmentFrom(const CommandLine& cl) {
  configureRuntime(static_cast<int>(cl.integer("threads", 0, 4096)));
  const torch::Device device = parseDevice(cl.value("device"));
  return ReconstructionEnvironment::make(Geometry::paperDefault(), device, resourceDir());
}

ProgressPrinter::ProgressPrinter(bool enabled) {
  if (!enabled && !isatty(STDERR_FILENO)) return;
  token_ = ProgressHub::instance().subscribe([](const ProgressEvent& e) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    std::fprintf(stderr, "[%s] %3.0f%% %s", e.jobName.c_str(), 100 * e.fraction, e.message.c_str());
    if (e.etaSeconds > 0) std::fprintf(stderr, " (ETA %.0f s)", e.etaSeconds);
    std::fprintf(stderr, "\n");
  });
}

ProgressPrinter::~ProgressPrinter() {
  if (token_) ProgressHub::instance().unsubscribe(token_);
}

void writeJsonFile(const std::string& path, const std::string& text) { writeTextAtomically(path, text + "\n"); }

OptionSpec calibrationOption() {
  return {"calibration", "FILE",
          "calibration JSON (default: each method's own — a user model's calibration.json, else "
          "resources/calibration/<method>.json, else default.json)",
          ""};
}

Certifier certifierFrom(const CommandLine& cl, const ReconstructionEnvironment& env, const std::string& methodId) {
  return cl.has("calibration") ? Certifier::load(cl.value("calibration"), env) : Certifier::loadFor(env, methodId);
}

}  // namespace trustct::cli
