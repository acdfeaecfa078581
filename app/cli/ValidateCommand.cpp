// validate-certificates: the certificates' detection power on perturbed scans (certs/CertificateValidation.h),
// the source of docs/certificate-validity.md.
#include <cstdio>

#include "Commands.h"
#include "Interrupt.h"
#include "certs/CertificateValidation.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Runtime.h"
#include "recon/learned/training/TrainingData.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct::cli {

int runValidateCertificates(const Args& args) {
  CommandLine cl(
      "validate-certificates",
      "Measures the certificates' detection power: every method reconstructs perturbed scans (noise x2 and x3, low dose, "
      "dead and miscalibrated detector bins, centre-of-rotation offsets of 1-3 bins, an angle offset, a flipped "
      "detector, Shepp-Logan anatomy, optionally DICOM slices) and in-distribution controls; a reconstruction more "
      "than 3 dB below the method's control median is bad. Reports detection, false alarms and AUROC per property.",
      joinOptions({{"methods", "LIST", "comma-separated method ids or 'all'", "all"},
                   {"count", "N", "images per family", "20"},
                   {"seed", "S", "first seed of the families (one per family; apart from training, calibration, test)", "600000"},
                   {"dicom", "DIR", "add a family of this DICOM CT series' slices, re-simulated (out of distribution)", ""},
                   {"batch", "B", "slices reconstructed together", "8"},
                   {"json", "OUT", "write the results (with ROC curves) as JSON", ""},
                   {"markdown", "OUT", "write the report as Markdown", ""},
                   calibrationOption()},
                  runtimeOptions()),
      args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const long long count = cl.integer("count", 2, 100000), batch = cl.integer("batch", 1, 256);
  const auto seed = static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed));
  const ReconstructionEnvironment env = environmentFrom(cl);
  std::vector<PerturbationFamily> families = standardPerturbationFamilies(env.op, count, seed);
  // The families' seeds must not reuse the phantoms of training (1, 2), the diagnostic set (3),
  // calibration (500000) or the test series (1000-1999).
  for (uint64_t s = seed; s < seed + families.size(); ++s)
    if (s <= 3 || s == 500000 || isTestSeed(static_cast<long long>(s)))
      throw UsageError("--seed " + std::to_string(seed) + ": the families use seeds " + std::to_string(seed) + "-" +
                       std::to_string(seed + families.size() - 1) + ", which include seed " + std::to_string(s) +
                       " of training, calibration or test data");
  if (cl.has("dicom")) {
    TrainingDataSpec dicom;
    dicom.source = TrainingSource::Dicom;
    dicom.path = cl.value("dicom");
    dicom.seed = seed + families.size();
    families.push_back({"dicom", "slices of " + dicom.path + " re-simulated (1.5 % noise): real anatomy", false,
                        dicom.open(env.op)});
  }
  const std::vector<std::string> ids = MethodRegistry::instance().parseList(cl.value("methods"), env);
  ProgressPrinter progress(cl.has("progress"));
  std::vector<MethodValidity> results;
  nlohmann::json methods = nlohmann::json::object();
  for (const auto& id : ids) {
    const auto method = MethodRegistry::instance().create(id, env);
    const Certifier certifier = certifierFrom(cl, env, id);
    JobContext ctx("validate " + id);
    const InterruptScope interruptible(ctx);
    ctx.run([&](JobContext& c) { results.push_back(validateCertificates(env, *method, certifier, families, c, int(batch))); });
    std::string file = cl.has("calibration") ? cl.value("calibration") : Certifier::calibrationPathFor(env, id);
    // A shipped calibration is named as in the repository and the package, not by this machine's path.
    if (const std::string root = resourceDir() + "/"; file.rfind(root, 0) == 0) file = "resources/" + file.substr(root.size());
    results.back().calibrationFile = file;
    methods[id] = results.back().toJson();
  }
  nlohmann::json familyJson = nlohmann::json::array();
  for (const auto& f : families)
    familyJson.push_back({{"name", f.name}, {"description", f.description}, {"control", f.inDistribution},
                          {"count", f.data->size()}});
  std::string command = "trustct-cli validate-certificates";
  for (const auto& a : args) command += " " + a;
  const nlohmann::json out = {{"command", command},
                              {"seed", seed},
                              {"count_per_family", count},
                              {"bad_margin_db", 3.0},
                              {"families", familyJson},
                              {"methods", methods}};
  const std::string markdown = "Made by `" + command + "`.\n\n" + validityMarkdown(results, families);
  if (cl.has("json")) writeJsonFile(cl.value("json"), out.dump(1));
  if (cl.has("markdown")) writeJsonFile(cl.value("markdown"), markdown);
  std::printf("%s", markdown.c_str());
  return 0;
}

}  // namespace trustct::cli
