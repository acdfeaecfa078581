// import, export, send, echo: DICOM and sinogram files in, certified DICOM out, PACS transfer.
// Output names files and UIDs only, never patient data.
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "certs/CertifiedReconstruction.h"
#include "certs/dicom/DicomNetwork.h"
#include "certs/dicom/ExportSession.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/io/Npy.h"
#include "recon/io/ReconstructionInput.h"
#include "recon/io/SinogramFormats.h"
#include "recon/io/SinogramIO.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct::cli {
namespace {

std::vector<OptionSpec> inputOptions() {
  const std::string sinograms = joinExtensions(SinogramFormats::instance().extensions(), "", ", ");
  return {{"input", "PATH", "DICOM CT file, series folder, or sinogram (" + sinograms + ")", ""},
          {"slice", "K", "DICOM: slice in position order; sinogram stacks: sample (default: middle slice / first sample)", ""},
          {"photons", "N0", "photons per ray of the simulated low-dose scan of a DICOM input", "4096"},
          {"noise", "LEVEL", "simulate Gaussian noise of this relative level instead of Poisson photons", ""},
          {"seed", "S", "noise seed", "0"},
          {"pixel-spacing", "MM", "grid pixel spacing assumed for sinograms that do not state it", "1"}};
}

InputOptions inputOptionsFrom(const CommandLine& cl) {
  InputOptions o;
  if (cl.has("slice")) o.index = static_cast<int>(cl.integer("slice", 0, INT_MAX));
  if (cl.has("slice") && o.index < 0) throw UsageError("--slice must be >= 0");
  o.photons = cl.number("photons");
  if (!(o.photons > 0)) throw UsageError("--photons must be positive");
  if (cl.has("noise")) o.noise = NoiseModel::parse("gaussian", cl.number("noise"));
  o.seed = static_cast<uint64_t>(cl.integer("seed", 0, kMaxSeed));
  o.sinogramPixelSpacingMm = cl.number("pixel-spacing");
  if (!(o.sinogramPixelSpacingMm > 0)) throw UsageError("--pixel-spacing must be positive");
  return o;
}

void writeSinogram(const std::string& path, const torch::Tensor& sinogram, const Geometry& g) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".npy") writeNpy(path, sinogram);
  else if (ext == ".raw" || ext == ".f32") writeRawSinogram(path, sinogram, g);
  else writeItkSinogram(path, sinogram);
}

DicomNode nodeFrom(const CommandLine& cl) {
  DicomNode n;
  n.host = cl.required("host");
  n.port = static_cast<int>(cl.integer("port", 1, 65535));
  n.callingAeTitle = cl.value("aet");
  n.calledAeTitle = cl.value("aec");
  n.timeoutSeconds = static_cast<int>(cl.integer("timeout", 1, 86400));
  n.validate();
  return n;
}

std::vector<OptionSpec> nodeOptions() {
  return {{"host", "H", "PACS host", ""},
          {"port", "P", "PACS DICOM port", "104"},
          {"aet", "CALLING", "our (calling) AE title", "TRUSTCT"},
          {"aec", "CALLED", "the PACS's (called) AE title", "ANY-SCP"},
          {"timeout", "S", "connection and message timeout in seconds", "30"}};
}

}  // namespace

int runImport(const Args& args) {
  CommandLine cl("import", "Loads a DICOM CT or sinogram onto the model grid; writes the grid image and the (simulated) sinogram.",
                 joinOptions(joinOptions(inputOptions(), {{"image", "X.npy", "write the model-grid image (μ/μ_max) here", ""},
                                                {"sinogram", "S", "write the sinogram here (.npy, .raw + .json, .mha, .nii)", ""}}),
                        runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string input = cl.required("input");
  if (!cl.has("image") && !cl.has("sinogram")) throw UsageError("give --image and/or --sinogram");
  const InputOptions options = inputOptionsFrom(cl);
  const ReconstructionEnvironment env = environmentFrom(cl);
  const ReconstructionInput in = loadReconstructionInput(input, *env.op, options);
  if (cl.has("image")) {
    if (!in.grid.image.defined()) throw InputError(input, "a sinogram file has no image to write");
    writeNpy(cl.value("image"), in.grid.image);
  }
  if (cl.has("sinogram")) writeSinogram(cl.value("sinogram"), in.sinogram, env.geometry());
  std::printf("%s: %s\n", input.c_str(), in.description.c_str());
  return 0;
}

int runExport(const Args& args) {
  CommandLine cl("export", "Reconstructs a DICOM CT (simulated low-dose scan) or a sinogram with each method, certifies "
                           "it and writes per method a CT image and a TID 1500 certificate SR (and a KOS when it fails).",
                 joinOptions(joinOptions(inputOptions(),
                               {{"methods", "LIST", "comma-separated method ids or 'all'", "fbp,tv"},
                                {"out", "DIR", "output folder", ""},
                                {"anonymize", "", "research export: replace patient/study identifiers and UIDs", ""},
                                {"uid-root", "ROOT", "UID root for new instances (or $TRUSTCT_UID_ROOT)", UidGenerator::defaultRoot()},
                                {"no-key-object", "", "do not write a Key Object Selection for failing reconstructions", ""},
                                calibrationOption()}),
                        runtimeOptions()),
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const std::string input = cl.required("input"), outDir = cl.required("out");
  ExportOptions exportOptions;
  exportOptions.uidRoot = cl.value("uid-root");
  exportOptions.anonymize = cl.has("anonymize");
  exportOptions.keyObjectForFailures = !cl.has("no-key-object");
  (void)UidGenerator(exportOptions.uidRoot);  // validates the root before any work
  const InputOptions options = inputOptionsFrom(cl);
  const ReconstructionEnvironment env = environmentFrom(cl);
  const std::vector<std::string> ids = MethodRegistry::instance().parseList(cl.value("methods"), env);
  const ReconstructionInput in = loadReconstructionInput(input, *env.op, options);
  ExportSession session(in.grid, in.description, exportOptions);
  // An anonymised export names neither the input's path nor its file name (they may carry patient data).
  const std::string inputName = session.study().anonymized ? std::string("anonymised input") : input;
  std::printf("%s: %s\n%s\n", inputName.c_str(), session.inputDescription().c_str(), session.study().note.c_str());

  ProgressPrinter progress(cl.has("progress"));
  nlohmann::json manifest = {{"input", inputName}, {"description", session.inputDescription()}, {"note", session.study().note},
                             {"study_instance_uid", session.study().identity.studyInstanceUid}, {"methods", nlohmann::json::object()}};
  for (const auto& id : ids) {
    const auto method = MethodRegistry::instance().create(id, env);
    const Certifier certifier = certifierFrom(cl, env, id);  // each method its own calibration unless one is given
    const CertifiedReconstruction certified(*method, &certifier, *env.op);
    JobContext ctx("export " + id);
    std::vector<CertifiedResult> results;
    ctx.run([&](JobContext& c) { results = certified.run(in.sinogram.unsqueeze(0), {}, c); });
    const CertificateReport& report = *results[0].report;
    const ExportedMethod files = session.write(results[0], outDir);
    nlohmann::json entry = {{"overall", labelName(report.overall)},
                            {"ct", files.ct.path},
                            {"ct_sop_instance_uid", files.ct.sopInstanceUid},
                            {"ct_series_instance_uid", files.ct.seriesInstanceUid},
                            {"sr", files.sr.path},
                            {"sr_sop_instance_uid", files.sr.sopInstanceUid},
                            {"sr_series_instance_uid", files.sr.seriesInstanceUid},
                            {"certificates", report.toJson()}};
    if (files.keyObject) {
      entry["kos"] = files.keyObject->path;
      entry["kos_sop_instance_uid"] = files.keyObject->sopInstanceUid;
    }
    manifest["methods"][id] = entry;
    std::printf("%-10s overall %-7s -> %s, %s%s\n", id.c_str(), labelName(report.overall).c_str(), files.ct.path.c_str(),
                files.sr.path.c_str(), files.keyObject ? (", " + files.keyObject->path).c_str() : "");
  }
  // The manifest last, in the same set: the folder shows the whole export or what it held before.
  session.addManifest(outDir, std::move(manifest));
  session.commit();
  return 0;
}

int runSend(const Args& args) {
  CommandLine cl("send", "Sends DICOM files to a PACS node with C-STORE (one association). Files in an export folder are first checked against the SHA-256 its export.json lists.", nodeOptions(), args, "FILES...");
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const DicomNode node = nodeFrom(cl);
  if (cl.positionals().empty()) throw UsageError("no files to send");
  for (const auto& r : store(node, cl.positionals()))
    std::printf("sent %s (%s) status 0x%04X\n", r.file.c_str(), r.sopInstanceUid.c_str(), r.status);
  return 0;
}

int runEcho(const Args& args) {
  CommandLine cl("echo", "Checks a PACS node with C-ECHO.", nodeOptions(), args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const DicomNode node = nodeFrom(cl);
  echo(node);
  std::printf("C-ECHO %s: ok\n", node.describe().c_str());
  return 0;
}

}  // namespace trustct::cli
