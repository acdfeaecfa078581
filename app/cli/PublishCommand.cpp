// publish: a trained model folder (train --out DIR) becomes method user:NAME, with its own certificate
// calibration, in the CLI and the GUI, as the training wizard's last page does. A model that does not beat
// FBP on its validation images is refused unless --allow-below-fbp (docs/researcher-guide.md, "Publishing").
#include <cstdio>
#include <filesystem>

#include "Commands.h"
#include "Interrupt.h"
#include "certs/Certifier.h"
#include "certs/DataRegularization.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/learned/models/UserModels.h"

namespace trustct::cli {

int runPublish(const Args& args) {
  CommandLine cl("publish",
                 "Publishes a trained model folder as method user:NAME with its own certificate calibration; refuses a "
                 "model whose validation PSNR is not above FBP's.",
                 joinOptions({{"model", "DIR", "trained model folder (train's --out)", ""},
                              {"name", "NAME", "published as method user:NAME", ""},
                              {"calibration", "FILE", "a calibration made for user:NAME (default: calibrate here)", ""},
                              {"count", "N", "calibration samples when calibrating here (Ellipses)", "200"},
                              {"seed", "S", "seed of that calibration set", "500000"},
                              {"noise", "LEVEL", "its relative Gaussian noise", "0.015"},
                              {"models-root", "DIR", "user model folder (default: $TRUSTCT_USER_MODELS, else the GUI's)", ""},
                              {"allow-below-fbp", "", "research: publish a model that does not beat FBP", ""}},
                             runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string directory = cl.required("model"), name = cl.required("name");
  checkUserModelName(name);
  PublishOptions options;
  options.allowBelowFbp = cl.has("allow-below-fbp");
  checkPublishable(directory, options);  // before minutes of calibration
  const std::string root = cl.has("models-root") ? cl.value("models-root") : defaultUserModelsRoot();
  const ReconstructionEnvironment env = environmentFrom(cl);
  const auto method = loadUserModel(env, directory, name);

  std::string calibrationFile = cl.value("calibration");
  CertificateCalibration calibration;
  if (!calibrationFile.empty()) {
    calibration = CertificateCalibration::load(calibrationFile);
    calibration.requireCompatible(env.geometry(), method->id(), method->fingerprint(), calibrationFile);
  } else {
    const long long count = cl.integer("count", 20, 1000000);  // calibrate() needs at least 20 samples
    const SimulatedDataset data(env.op, PhantomKind::Ellipses, count,
                                static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed)),
                                NoiseModel::parse("gaussian", cl.number("noise")), true);
    const PropertyCalibration defaults;
    ProgressPrinter progress(cl.has("progress"));
    JobContext ctx("calibrate");
    const InterruptScope interruptible(ctx);
    ctx.run([&](JobContext& c) {
      calibration = calibrate(env, *method, suiteForModel(*method), data, defaults.pPass, defaults.pFail, c);
    });
    calibration.provenance = "trustct-cli publish: calibrate --model " + method->id() + " --count " + std::to_string(count) +
                     " --seed " + cl.value("seed") + " --noise " + cl.value("noise");
    calibrationFile = (std::filesystem::path(directory) / "calibration.json").string();
    calibration.save(calibrationFile);
  }
  const std::string published = publishModel(directory, calibrationFile, root, name, options);
  std::printf("published %s (%s) to %s, certified with calibration %s\n", method->id().c_str(),
              method->fingerprint().c_str(), published.c_str(), calibration.fingerprint().c_str());
  return 0;
}

}  // namespace trustct::cli
