// reconstruct, evaluate, calibrate: run methods and certify their outputs.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "Interrupt.h"
#include "certs/CertifiedReconstruction.h"
#include "certs/DataRegularization.h"
#include "certs/Evaluation.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/Npy.h"
#include "recon/io/NpyDataset.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct::cli {
namespace {

int iterationCap(const CommandLine& cl) {
  const long long n = cl.integer("max-iterations");
  if (n < 1 || n > 100000) throw UsageError("--max-iterations must be between 1 and 100000");
  return static_cast<int>(n);
}

std::string methodHelp() {
  std::string ids;
  for (const auto& id : MethodRegistry::instance().ids()) ids += (ids.empty() ? "" : "|") + id;
  return ids;
}

}  // namespace

int runReconstruct(const Args& args) {
  CommandLine cl("reconstruct", "Reconstructs a sinogram (.npy, 30x183 or Bx30x183) and optionally certifies the result.",
                 joinOptions({{"method", "M", methodHelp(), ""},
                       {"sinogram", "S.npy", "input sinogram", ""},
                       {"out", "X.npy", "output image(s)", ""},
                       {"certificates", "C.json", "write the certificate report here", ""},
                       {"reference", "REF.npy", "ground truth: adds psnr and ssim to the report", ""},
                       {"max-iterations", "N", "iteration cap of an iterative method (default: the method's)", ""},
                       calibrationOption()},
                      runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string methodId = cl.required("method"), sinoPath = cl.required("sinogram"), out = cl.required("out");
  if (!MethodRegistry::instance().known(methodId))
    throw UsageError("unknown method '" + methodId + "' (expected " + methodHelp() + ")");
  const ReconstructionEnvironment env = environmentFrom(cl);
  const torch::Tensor d = loadSinogramNpy(sinoPath, *env.op);
  torch::Tensor ref;
  if (cl.has("reference")) {
    ref = loadImageNpy(cl.value("reference"), *env.op);
    if (ref.dim() != d.dim() || (d.dim() == 3 && ref.size(0) != d.size(0)))
      throw InputError(cl.value("reference"), "reference must have one image per sinogram");
  }
  std::optional<Certifier> certifier;
  if (cl.has("certificates")) certifier.emplace(certifierFrom(cl, env, methodId));
  const auto method = MethodRegistry::instance().create(methodId, env);
  if (cl.has("max-iterations")) method->setMaxIterations(iterationCap(cl));
  ProgressPrinter progress(cl.has("progress"));
  JobContext ctx(method->displayName());
  const torch::Tensor batch = d.dim() == 2 ? d.unsqueeze(0) : d;
  std::vector<torch::Tensor> references;
  for (int64_t i = 0; ref.defined() && i < batch.size(0); ++i) references.push_back(ref.dim() == 2 ? ref : ref[i]);
  const CertifiedReconstruction certified(*method, certifier ? &*certifier : nullptr, *env.op);
  std::vector<CertifiedResult> results;
  ctx.run([&](JobContext& c) { results = certified.run(batch, references, c); });
  std::vector<torch::Tensor> images;
  double seconds = 0;
  nlohmann::json reports = nlohmann::json::array();
  for (const CertifiedResult& r : results) {
    images.push_back(r.image);
    seconds += r.seconds;
    if (certifier) reports.push_back(r.measuredReport().toJson());
  }
  writeNpy(out, d.dim() == 2 ? images[0] : torch::stack(images));
  if (certifier) writeJsonFile(cl.value("certificates"), (d.dim() == 2 ? reports[0] : reports).dump(2));
  std::printf("%s: %lld slice(s) in %.1f ms, wrote %s\n", method->displayName().c_str(),
              static_cast<long long>(batch.size(0)), 1000 * seconds, out.c_str());
  return 0;
}

int runEvaluate(const Args& args) {
  CommandLine cl("evaluate", "Compares methods on a data set: mean PSNR/SSIM, certificate fail % per property, parameters, ms per slice.",
                 joinOptions({{"data", "DIR", "folder of sinogram_NNNN.npy (+ image_NNNN.npy) as written by simulate", ""},
                       {"phantom", "KIND", "simulate instead: ellipses or shepp-logan", ""},
                       {"count", "N", "number of simulated samples", "100"},
                       {"seed", "S", "seed of the simulated set (keep it apart from training/calibration seeds)", "1000"},
                       {"noise", "LEVEL", "relative Gaussian noise of the simulated set", "0.015"},
                       {"projected", "", "simulate with A·x instead of exact analytic sinograms (inverse crime)", ""},
                       {"methods", "LIST", "comma-separated method ids or 'all'", "all"},
                       {"batch", "B", "slices reconstructed together", "8"},
                       {"json", "OUT", "write the results as JSON", ""},
                       {"per-image", "OUT", "write every image's report (name, psnr, ssim, iterations, converged, certificates) as JSON", ""},
                       {"max-iterations", "N", "iteration cap of the iterative methods (default: each method's)", ""},
                       {"markdown", "OUT", "write the comparison table as Markdown", ""},
                       calibrationOption()},
                      runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  if (cl.has("data") == cl.has("phantom")) throw UsageError("give exactly one of --data DIR or --phantom KIND");
  const long long batch = cl.integer("batch");
  if (batch < 1 || batch > 256) throw UsageError("--batch must be between 1 and 256");
  const ReconstructionEnvironment env = environmentFrom(cl);
  const std::vector<std::string> ids = MethodRegistry::instance().parseList(cl.value("methods"), env);
  std::unique_ptr<Dataset> data;
  nlohmann::json dataInfo;
  if (cl.has("data")) {
    data = std::make_unique<FolderDataset>(cl.value("data"), env.op);
    dataInfo = {{"folder", cl.value("data")}, {"count", data->size()}};
  } else {
    const long long count = cl.integer("count");
    if (count < 1) throw UsageError("--count must be >= 1");
    data = std::make_unique<SimulatedDataset>(env.op, parsePhantomKind(cl.value("phantom")), count,
                                              static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed)),
                                              NoiseModel::parse("gaussian", cl.number("noise")), !cl.has("projected"));
    dataInfo = {{"phantom", cl.value("phantom")}, {"count", count},  {"seed", cl.integer("seed")},
                {"noise", cl.number("noise")},    {"analytic", !cl.has("projected")}};
  }
  // Each method is certified with its own calibration unless --calibration names one for all.
  const auto calibrationFileFor = [&](const std::string& id) {
    return cl.has("calibration") ? cl.value("calibration") : Certifier::calibrationPathFor(env, id);
  };
  const auto calibrationJson = [](const Certifier& c, const std::string& file) {
    return nlohmann::json{{"model", c.calibration().modelId}, {"fingerprint", c.calibration().fingerprint()}, {"file", file}};
  };
  const std::string defaultFile = cl.has("calibration") ? cl.value("calibration") : Certifier::defaultCalibrationPath(env);
  const Certifier defaultCertifier = Certifier::load(defaultFile, env);
  ProgressPrinter progress(cl.has("progress"));
  std::vector<MethodSummary> rows;
  std::vector<std::string> props;  // the properties any method was labelled on, in suite order
  std::string calibrationLines;
  nlohmann::json methods = nlohmann::json::object(), perImage = nlohmann::json::array();
  for (const auto& id : ids) {
    const std::string calibrationFile = calibrationFileFor(id);
    const Certifier certifier = calibrationFile == defaultFile ? defaultCertifier : Certifier::load(calibrationFile, env);
    for (const auto& p : certifier.suite().properties())
      if (certifier.calibration().find(p->name()) && std::find(props.begin(), props.end(), p->name()) == props.end())
        props.push_back(p->name());
    const Evaluator evaluator(env, certifier);
    const auto method = MethodRegistry::instance().create(id, env);
    if (cl.has("max-iterations") && method->maxIterations() > 0) method->setMaxIterations(iterationCap(cl));
    JobContext ctx("evaluate " + id);
    const InterruptScope interruptible(ctx);
    std::vector<SampleResult> samples;
    ctx.run([&](JobContext& c) {
      rows.push_back(evaluator.evaluate(*method, *data, int(batch), c, cl.has("per-image") ? &samples : nullptr));
    });
    methods[id] = rows.back().toJson();
    methods[id]["calibration"] = calibrationJson(certifier, calibrationFile);
    calibrationLines += "- " + method->displayName() + ": certificates labelled with calibration " +
                        certifier.calibration().fingerprint() + " (" + calibrationFile + ", made with " +
                        certifier.calibration().modelId + ")\n";
    for (const auto& sample : samples) {
      nlohmann::json r = sample.report.toJson();
      r["name"] = sample.name;
      perImage.push_back(std::move(r));
    }
  }
  // "calibration": the one given, or default.json (FBP, TV-Min and methods without their own);
  // methods[id].calibration names what labelled each method.
  const nlohmann::json result = {{"data", dataInfo},
                                 {"geometry", env.geometry().toJson()},
                                 {"calibration", calibrationJson(defaultCertifier, defaultFile)},
                                 {"methods", methods}};
  if (cl.has("json")) writeJsonFile(cl.value("json"), result.dump(2));
  if (cl.has("per-image")) writeJsonFile(cl.value("per-image"), perImage.dump(1));
  // The table says what labelled its fail rates.
  const std::string table = markdownTable(rows, props) + "\n" + calibrationLines;
  if (cl.has("markdown")) writeJsonFile(cl.value("markdown"), table);
  std::printf("%s", table.c_str());
  return 0;
}

int runCalibrate(const Args& args) {
  CommandLine cl("calibrate", "Calibrates certificate labels on simulated calibration data (never the test set).",
                 joinOptions({{"model", "M", "certifying model whose inferences calibrate the inference properties", "tv"},
                       {"phantom", "KIND", "ellipses or shepp-logan", "ellipses"},
                       {"count", "N", "calibration samples", "200"},
                       {"seed", "S", "seed of the calibration set", "500000"},
                       {"noise", "LEVEL", "relative Gaussian noise", "0.015"},
                       {"p-pass", "P", "pass if F(v) < P", "0.95"},
                       {"p-fail", "P", "fail if F(v) >= 1 - P", "0.05"},
                       {"out", "FILE", "output calibration JSON", ""}},
                      runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string out = cl.required("out");
  const double pPass = cl.number("p-pass"), pFail = cl.number("p-fail");
  if (!PropertyCalibration::validThresholds(pPass, pFail))
    throw UsageError("need 0 <= p-pass <= 1 - p-fail <= 1");
  const ReconstructionEnvironment env = environmentFrom(cl);
  const auto model = MethodRegistry::instance().create(cl.value("model"), env);
  SimulatedDataset data(env.op, parsePhantomKind(cl.value("phantom")), cl.integer("count"),
                        static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed)), NoiseModel::parse("gaussian", cl.number("noise")), true);
  ProgressPrinter progress(cl.has("progress"));
  JobContext ctx("calibrate");
  const InterruptScope interruptible(ctx);
  CertificateCalibration cal;
  ctx.run([&](JobContext& c) {
    cal = calibrate(env, *model, suiteForModel(*model), data, pPass, pFail, c);
  });
  std::string command = "trustct-cli calibrate";
  for (const auto& a : args) command += " " + a;
  cal.provenance = command;
  cal.save(out);
  std::printf("calibration for model %s (%s) on %lld samples written to %s\n", model->id().c_str(),
              model->fingerprint().c_str(), static_cast<long long>(data.size()), out.c_str());
  return 0;
}

}  // namespace trustct::cli
