#include "certs/dicom/ExportSession.h"

#include <filesystem>
#include <map>

#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"
#include "recon/core/Sha256.h"

namespace trustct {
namespace {

CertifiedDicomExporter exporterFor(const GridImage& input, const ExportOptions& options) {
  UidGenerator uids(options.uidRoot);
  return CertifiedDicomExporter(input.placement, ExportStudy::from(input, options, uids), options);
}

// The Derivation Description of an exported reconstruction: method, input, overall label.
std::string derivationDescription(const AlgorithmInfo& algorithm, const std::string& inputDescription,
                                  const CertificateReport& report) {
  return "Reconstructed by TrustCT with " + algorithm.name + " from a " + inputDescription +
         "; certificates overall " + labelName(report.overall);
}

}  // namespace

ExportSession::ExportSession(const GridImage& input, std::string inputDescription, ExportOptions options)
    : inputDescription_(std::move(inputDescription)), exporter_(exporterFor(input, options)) {
  if (exporter_.study().anonymized) inputDescription_ = "simulated low-dose sinogram of an anonymised CT slice";
}

ExportSession::Folder& ExportSession::folder(const std::string& outDir) {
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  const std::string key = std::filesystem::weakly_canonical(outDir, ec).string();
  auto it = folders_.find(key);
  if (it == folders_.end()) {
    FolderLock lock(outDir, "another export");  // before anything is staged there
    it = folders_.emplace(key, std::unique_ptr<Folder>(new Folder{std::move(lock), FileSetWriter(outDir)})).first;
  }
  return *it->second;
}

ExportedMethod ExportSession::write(const CertifiedResult& result, const std::string& outDir) {
  if (!result.report) throw InputError(result.algorithm.id, "has no certificates to export (no calibration)");
  Folder& f = folder(outDir);
  const ExportedMethod files =
      exporter_.write(result.algorithm, result.image, *result.report,
                      derivationDescription(result.algorithm, inputDescription_, *result.report), outDir,
                      nextSeriesNumber_, &f.files);
  nextSeriesNumber_ += kSeriesNumberStep;
  return files;
}

void ExportSession::addManifest(const std::string& outDir, nlohmann::json manifest) {
  FileSetWriter& files = folder(outDir).files;
  nlohmann::json digests = nlohmann::json::object();
  for (const auto& [name, tmp] : files.staged())
    if (name != kExportManifest) digests[name] = sha256File(tmp);
  manifest["files"] = digests;
  files.add(kExportManifest, [&](std::ostream& out) { out << manifest.dump(2); });
}

void requireFilesMatchExportManifest(const std::vector<std::string>& files) {
  std::map<std::string, nlohmann::json> manifests;  // by folder
  for (const auto& f : files) {
    const std::filesystem::path folder = std::filesystem::path(f).parent_path();
    const std::filesystem::path manifestPath = (folder.empty() ? std::filesystem::path(".") : folder) / kExportManifest;
    std::error_code ec;
    if (!std::filesystem::exists(manifestPath, ec)) continue;  // not an export folder
    auto it = manifests.find(manifestPath.string());
    if (it == manifests.end()) {
      nlohmann::json m;
      try {
        m = nlohmann::json::parse(readRegularFile(manifestPath.string()));
      } catch (const nlohmann::json::exception& e) {
        throw InputError(manifestPath.string(), std::string("export manifest is not valid JSON: ") + e.what());
      }
      if (!m.contains("files") || !m["files"].is_object())
        throw InputError(manifestPath.string(), "export manifest lists no file digests (written by an older TrustCT); "
                                                "export again before sending");
      it = manifests.emplace(manifestPath.string(), std::move(m)).first;
    }
    const nlohmann::json& listed = it->second["files"];
    const std::string name = std::filesystem::path(f).filename().string();
    if (!listed.contains(name))
      throw InputError(f, "is in an export folder but not part of its export (" + manifestPath.string() +
                              " does not list it): a file of an earlier or interrupted export");
    if (!listed[name].is_string() || listed[name].get<std::string>() != sha256File(f))
      throw InputError(f, "does not match the SHA-256 in " + manifestPath.string() + " (changed after export)");
  }
}

void ExportSession::commit() {
  for (auto& [key, f] : folders_) {
    // A manifest of an earlier export would describe files this one replaced.
    if (!f->files.has(kExportManifest)) f->files.removeOnCommit(kExportManifest);
    f->files.commit();
  }
}

}  // namespace trustct
