#include "certs/dicom/ExportSession.h"

#include <filesystem>

#include "recon/core/Errors.h"

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

void ExportSession::addFile(const std::string& outDir, const std::string& name, const std::string& text) {
  folder(outDir).files.add(name, [&](std::ostream& out) { out << text; });
}

void ExportSession::commit() {
  for (auto& [key, f] : folders_) f->files.commit();
}

}  // namespace trustct
