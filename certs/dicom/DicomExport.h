#pragma once
// Certified DICOM export (DCMTK): per reconstruction method a CT Image Storage instance of the
// reconstruction (DERIVED\SECONDARY\AXIAL, signed 16-bit HU), a Comprehensive SR following TID 1500
// with one measurement group per certificate, and for reconstructions that fail a Key Object Selection
// "Rejected for Quality Reasons". UIDs come from the project's root (UidGenerator), derived from what the
// files are (ExportStudy::uidBasis) so that exporting or sending the same reconstruction again replaces
// the earlier copy instead of duplicating it. Every file is
// written atomically; nothing here logs patient data.
#include <torch/types.h>

#include <optional>
#include <string>

#include "certs/Certificate.h"
#include "certs/CertifiedReconstruction.h"
#include "certs/dicom/DicomUid.h"
#include "recon/core/AtomicFile.h"
#include "recon/io/ModelGrid.h"

namespace trustct {

struct ExportOptions {
  std::string uidRoot = UidGenerator::defaultRoot();
  bool anonymize = false;            // research export: patient/study identifiers and UIDs replaced
  bool keyObjectForFailures = true;  // KOS "Rejected for Quality Reasons" when the overall label is fail
};

// The patient and study the export is filed under: the source's, an anonymised stand-in, or (for a
// sinogram input, which has no DICOM) a new placeholder patient and study.
struct ExportStudy {
  DicomIdentity identity;  // patient and study attributes written; UIDs of the source kept for references
  std::string frameOfReferenceUid;
  bool placeholder = false;
  bool anonymized = false;
  bool referencesSource = false;  // Source Image Sequence and SR evidence point at the source instance
  int sourceFrame = 0;
  std::string note;               // one line for the user; never contains patient data
  // What the derived UIDs are derived from: the source instance (and frame) of a DICOM input, the file
  // name and pixels of a sinogram input. Empty for an anonymised export, whose UIDs stay random: one
  // derived from the source's UIDs would link the pseudonym back to the patient.
  std::string uidBasis;

  static ExportStudy from(const GridImage& input, const ExportOptions& options, UidGenerator& uids);
};

struct ExportedInstance {
  std::string path, sopClassUid, sopInstanceUid, seriesInstanceUid;
};
struct ExportedMethod {
  ExportedInstance ct, sr;
  std::optional<ExportedInstance> keyObject;
};

class CertifiedDicomExporter {
 public:
  CertifiedDicomExporter(GridPlacement placement, ExportStudy study, ExportOptions options);

  // Writes <outDir>/<id>_ct.dcm, <id>_sr.dcm and, when failing, <id>_kos.dcm (removing an earlier one
  // otherwise) for the image `algorithm` made, as one set: into `set` (outDir's; the files appear at its
  // commit) or, without one, committed before returning. image: (N, N) reconstruction in μ/μ_max;
  // `description` says what it was reconstructed from.
  ExportedMethod write(const AlgorithmInfo& algorithm, const torch::Tensor& image, const CertificateReport& report,
                       const std::string& description, const std::string& outDir, int seriesNumber,
                       FileSetWriter* set = nullptr);

  const ExportStudy& study() const { return study_; }

 private:
  GridPlacement placement_;
  ExportStudy study_;
  ExportOptions options_;
  UidGenerator uids_;
};

// DCM 111237 / 111236 / 111235: usable, usable but below the standard, unusable.
struct CodedValue {
  std::string value, scheme, meaning;
};
CodedValue qualityCode(Label label);

}  // namespace trustct
