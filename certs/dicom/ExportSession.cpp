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

ExportedMethod ExportSession::write(const CertifiedResult& result, const std::string& outDir) {
  if (!result.report) throw InputError(result.algorithm.id, "has no certificates to export (no calibration)");
  std::error_code ec;
  std::filesystem::create_directories(outDir, ec);
  const std::string folder = std::filesystem::weakly_canonical(outDir, ec).string();
  if (!locks_.count(folder)) locks_.emplace(folder, FolderLock(outDir, "another export"));
  const ExportedMethod files =
      exporter_.write(result.algorithm, result.image, *result.report,
                      derivationDescription(result.algorithm, inputDescription_, *result.report), outDir,
                      nextSeriesNumber_);
  nextSeriesNumber_ += kSeriesNumberStep;
  return files;
}

}  // namespace trustct
