#include "certs/dicom/DicomExport.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcvrda.h>
#include <dcmtk/dcmdata/dcvrtm.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "certs/CertificateProperty.h"
#include "certs/dicom/DicomWriting.h"
#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Sha256.h"

namespace trustct {

namespace dicomio {

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value, const std::string& path) {
  const OFCondition c = item.putAndInsertString(tag, value.c_str());
  if (c.bad()) throw InputError(path, std::string("cannot set ") + DcmTag(tag).getTagName() + ": " + c.text());
}

void putCode(DcmItem& item, const DcmTagKey& sequence, const CodedValue& code, const std::string& path) {
  DcmItem* entry = nullptr;
  if (item.findOrCreateSequenceItem(sequence, entry, -2).bad() || !entry)
    throw InputError(path, std::string("cannot create ") + DcmTag(sequence).getTagName());
  put(*entry, DCM_CodeValue, code.value, path);
  put(*entry, DCM_CodingSchemeDesignator, code.scheme, path);
  put(*entry, DCM_CodeMeaning, code.meaning, path);
}

void declareLocalScheme(DcmItem& item, const std::string& path) {
  DcmItem* entry = nullptr;
  if (item.findOrCreateSequenceItem(DCM_CodingSchemeIdentificationSequence, entry, -2).bad() || !entry)
    throw InputError(path, "cannot create Coding Scheme Identification Sequence");
  put(*entry, DCM_CodingSchemeDesignator, kLocalScheme, path);
  put(*entry, DCM_CodingSchemeName, "TrustCT local codes", path);
  put(*entry, DCM_CodingSchemeResponsibleOrganization, "TrustCT project", path);
}

std::string validDate(const std::string& value) {
  return value.size() == 8 && DcmDate::checkStringValue(value.c_str(), "1").good() ? value : std::string();
}

std::string validTime(const std::string& value) {
  return !value.empty() && value.find(':') == std::string::npos && DcmTime::checkStringValue(value.c_str(), "1").good()
             ? value
             : std::string();
}

std::string formatDecimal(double v) {
  char buf[40];
  for (int digits = 15; digits > 1; --digits) {  // the most precise form that fits DS's 16 characters
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strlen(buf) <= 16) break;
  }
  return buf;
}

namespace {
std::tm localNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}
}  // namespace

std::string today() {
  char buf[16];
  const std::tm tm = localNow();
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

std::string nowTime() {
  char buf[16];
  const std::tm tm = localNow();
  std::strftime(buf, sizeof buf, "%H%M%S", &tm);
  return buf;
}

void saveInto(FileSetWriter& set, DcmFileFormat& file, const std::string& path) {
  // An exclusive, unpredictable temporary (recon/core/AtomicFile.h): a link planted in the folder is never followed.
  set.addViaPath(std::filesystem::path(path).filename().string(), [&](const std::string& tmp) {
    const OFCondition c = file.saveFile(tmp.c_str(), EXS_LittleEndianExplicit);
    if (c.bad()) throw InputError(path, std::string("cannot write DICOM file: ") + c.text());
  });
}

}  // namespace dicomio

using namespace dicomio;

namespace {

// Local codes are at most 16 characters (SH).
std::string localCodeOf(const std::string& id) {
  std::string code = "RECON-" + id;
  for (auto& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return code.substr(0, 16);
}

void putPatientAndStudy(DcmItem& ds, const ExportStudy& study, const std::string& path) {
  const DicomIdentity& id = study.identity;
  if (!id.specificCharacterSet.empty()) put(ds, DCM_SpecificCharacterSet, id.specificCharacterSet, path);
  put(ds, DCM_PatientName, id.patientName, path);
  put(ds, DCM_PatientID, id.patientId, path);
  put(ds, DCM_PatientBirthDate, validDate(id.patientBirthDate), path);
  put(ds, DCM_PatientSex, id.patientSex == "M" || id.patientSex == "F" || id.patientSex == "O" ? id.patientSex : "", path);
  put(ds, DCM_StudyInstanceUID, id.studyInstanceUid, path);
  put(ds, DCM_StudyDate, validDate(id.studyDate), path);
  put(ds, DCM_StudyTime, validTime(id.studyTime), path);
  put(ds, DCM_ReferringPhysicianName, id.referringPhysician, path);
  put(ds, DCM_StudyID, id.studyId.substr(0, 16), path);
  put(ds, DCM_AccessionNumber, id.accessionNumber.substr(0, 16), path);
  if (!id.studyDescription.empty()) put(ds, DCM_StudyDescription, id.studyDescription.substr(0, 64), path);
  if (study.anonymized) {
    put(ds, DCM_PatientIdentityRemoved, "YES", path);
    put(ds, DCM_DeidentificationMethod, "TrustCT: identifiers, UIDs and source references replaced", path);
  }
}

// Multi-valued DS: "a\\b\\c".
std::string decimals(const double* values, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += (i ? "\\" : "") + formatDecimal(values[i]);
  return out;
}

// SHA-256 of a tensor's values as stored (empty for an undefined tensor).
std::string pixelDigest(const torch::Tensor& t) {
  if (!t.defined()) return {};
  const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
  return sha256Hex(std::string(static_cast<const char*>(c.data_ptr()), c.numel() * c.element_size()));
}

std::string certificateSummary(const CertificateReport& report) {
  std::string s = "TrustCT certificates: overall " + labelName(report.overall);
  for (const auto& c : report.certificates) s += "; " + c.property + " " + formatDecimal(c.value) + " " + labelName(c.label);
  return s;
}

}  // namespace

CodedValue qualityCode(Label label) {
  switch (label) {
    case Label::Pass: return {"111237", "DCM", "Usable - Meets the quality control standard"};
    case Label::Warning: return {"111236", "DCM", "Usable - Does not meet the quality control standard"};
    case Label::Fail: break;
  }
  return {"111235", "DCM", "Unusable - Quality renders image unusable"};
}

ExportStudy ExportStudy::from(const GridImage& input, const ExportOptions& options, UidGenerator& uids) {
  ExportStudy s;
  if (input.identity && !options.anonymize) {
    s.identity = *input.identity;
    s.uidBasis = "dicom|" + s.identity.studyInstanceUid + "|" + s.identity.sopInstanceUid + "|" +
                 std::to_string(input.frameNumber);
    s.frameOfReferenceUid = s.identity.frameOfReferenceUid.empty() ? uids.derive(s.uidBasis + "|frame of reference")
                                                                    : s.identity.frameOfReferenceUid;
    s.referencesSource = true;
    s.sourceFrame = input.frameNumber;
    s.note = "filed in the source study; the CT references the source instance";
    return s;
  }
  const std::string fileName = std::filesystem::path(input.source).filename().string();
  if (input.identity) {  // anonymised: a stable pseudonym, fresh UIDs, no link back to the source
    s.anonymized = true;
    s.identity.patientName = "ANONYMOUS^TRUSTCT";
    s.identity.patientId = "TRUSTCT-" + sha256Hex(input.identity->patientId + "|" + input.identity->studyInstanceUid).substr(0, 12);
    s.note = "anonymised: patient and study identifiers replaced, new study, no reference to the source";
  } else {  // a sinogram has no DICOM context: a placeholder patient and a new study say so openly
    s.placeholder = true;
    s.identity.patientName = "TRUSTCT^PLACEHOLDER";
    s.identity.patientId = "TRUSTCT-" + sha256Hex(fileName).substr(0, 12);
    s.identity.studyDescription = "TrustCT reconstruction of " + fileName;
    s.note = "input has no DICOM context: new placeholder patient " + s.identity.patientId + " and a new study";
    s.uidBasis = "sinogram|" + fileName + "|" + pixelDigest(input.image);
  }
  s.identity.studyInstanceUid = s.uidBasis.empty() ? uids.next() : uids.derive(s.uidBasis + "|study");
  s.identity.studyDate = today();
  s.identity.studyTime = nowTime();
  s.identity.studyId = "TRUSTCT";
  s.frameOfReferenceUid = s.uidBasis.empty() ? uids.next() : uids.derive(s.uidBasis + "|frame of reference");
  return s;
}

CertifiedDicomExporter::CertifiedDicomExporter(GridPlacement placement, ExportStudy study, ExportOptions options)
    : placement_(placement), study_(std::move(study)), options_(std::move(options)), uids_(options_.uidRoot) {}

ExportedMethod CertifiedDicomExporter::write(const AlgorithmInfo& algorithm, const torch::Tensor& image,
                                             const CertificateReport& report, const std::string& description,
                                             const std::string& outDir, int seriesNumber, FileSetWriter* set) {
  namespace fs = std::filesystem;
  if (image.dim() != 2 || image.size(0) != image.size(1))
    throw InputError(algorithm.id, "expected one square reconstruction (N, N)");
  std::optional<FileSetWriter> own;  // without a caller's set, this method's files are one set of their own
  if (!set) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    set = &own.emplace(outDir);
  }
  const std::string ctPath = (fs::path(outDir) / (algorithm.id + "_ct.dcm")).string();
  const int n = static_cast<int>(image.size(0));
  // Software Versions: ours, the method, and its fingerprint (SHA-256 of the weights for learned models).
  const std::string softwareVersions = algorithm.softwareVersion + "\\" + algorithm.id + "\\" + algorithm.fingerprint.substr(0, 64);

  // Signed 16-bit HU with slope 1, intercept 0: the stored value is the HU value, rounded.
  const torch::Tensor hu = attenuationToHu(image.detach().to(torch::kCPU, torch::kFloat64)).round().clamp(-32768, 32767)
                               .to(torch::kInt16).contiguous();

  // One series per method, weights and calibration on this source; its instances also bound to what they
  // hold, so the same image keeps its UIDs and a different one never reuses them.
  const std::string seriesKey = study_.uidBasis + "|" + algorithm.id + "|" + algorithm.fingerprint + "|" +
                                algorithm.calibrationFingerprint;
  const std::string instanceKey = seriesKey + "|" + pixelDigest(hu) + "|" + sha256Hex(report.toJson().dump());
  auto uid = [&](const std::string& key) { return study_.uidBasis.empty() ? uids_.next() : uids_.derive(key); };
  InstanceInfo ctInfo{uid(seriesKey + "|ct series"), uid(instanceKey + "|ct"),
                      "TrustCT " + algorithm.name + " reconstruction", seriesNumber, today(), nowTime()};
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const std::string& p = ctPath;
  putPatientAndStudy(ds, study_, p);
  put(ds, DCM_SOPClassUID, UID_CTImageStorage, p);
  put(ds, DCM_SOPInstanceUID, ctInfo.sopUid, p);
  put(ds, DCM_InstanceCreationDate, ctInfo.date, p);
  put(ds, DCM_InstanceCreationTime, ctInfo.time, p);
  declareLocalScheme(ds, p);
  // General Series, Frame of Reference, General Equipment
  put(ds, DCM_Modality, "CT", p);
  put(ds, DCM_SeriesInstanceUID, ctInfo.seriesUid, p);
  put(ds, DCM_SeriesNumber, std::to_string(seriesNumber), p);
  put(ds, DCM_SeriesDescription, ctInfo.seriesDescription.substr(0, 64), p);
  put(ds, DCM_SeriesDate, ctInfo.date, p);
  put(ds, DCM_SeriesTime, ctInfo.time, p);
  put(ds, DCM_PatientPosition, "", p);
  // Laterality (type 2C) as the source had it; empty only when nothing says whether the body part is paired.
  if (!study_.identity.bodyPartExamined.empty()) put(ds, DCM_BodyPartExamined, study_.identity.bodyPartExamined, p);
  if (study_.identity.laterality) put(ds, DCM_Laterality, *study_.identity.laterality, p);
  else if (study_.identity.bodyPartExamined.empty()) put(ds, DCM_Laterality, "", p);
  put(ds, DCM_FrameOfReferenceUID, study_.frameOfReferenceUid, p);
  put(ds, DCM_PositionReferenceIndicator, "", p);
  put(ds, DCM_Manufacturer, kManufacturer, p);
  put(ds, DCM_ManufacturerModelName, "TrustCT workbench", p);
  put(ds, DCM_SoftwareVersions, softwareVersions, p);
  // General Image
  put(ds, DCM_InstanceNumber, "1", p);
  put(ds, DCM_ContentDate, ctInfo.date, p);
  put(ds, DCM_ContentTime, ctInfo.time, p);
  put(ds, DCM_ImageType, "DERIVED\\SECONDARY\\AXIAL", p);
  put(ds, DCM_DerivationDescription, description.substr(0, 1024), p);
  if (study_.referencesSource) putCode(ds, DCM_DerivationCodeSequence, {"113085", "DCM", "Spatial resampling"}, p);
  putCode(ds, DCM_DerivationCodeSequence,
          {localCodeOf(algorithm.id), kLocalScheme, algorithm.name + " sparse-angle CT reconstruction"}, p);
  if (study_.referencesSource) {
    DcmItem* src = nullptr;
    ds.findOrCreateSequenceItem(DCM_SourceImageSequence, src, -2);
    put(*src, DCM_ReferencedSOPClassUID, study_.identity.sopClassUid, p);
    put(*src, DCM_ReferencedSOPInstanceUID, study_.identity.sopInstanceUid, p);
    if (study_.sourceFrame > 0) put(*src, DCM_ReferencedFrameNumber, std::to_string(study_.sourceFrame), p);
    putCode(*src, DCM_PurposeOfReferenceCodeSequence, {"121322", "DCM", "Source image for image processing operation"}, p);
  }
  put(ds, DCM_BurnedInAnnotation, "NO", p);
  put(ds, DCM_ImageComments, certificateSummary(report).substr(0, 10240), p);
  // Image Plane: where the model grid lies in the source's patient coordinates.
  const double spacing[2] = {placement_.pixelSpacingMm, placement_.pixelSpacingMm};
  put(ds, DCM_PixelSpacing, decimals(spacing, 2), p);
  put(ds, DCM_ImageOrientationPatient, decimals(placement_.orientation.data(), 6), p);
  put(ds, DCM_ImagePositionPatient, decimals(placement_.firstPixelCentre.data(), 3), p);
  put(ds, DCM_SliceThickness, placement_.sliceThicknessMm > 0 ? formatDecimal(placement_.sliceThicknessMm) : "", p);
  // Image Pixel and CT Image
  put(ds, DCM_SamplesPerPixel, "1", p);
  put(ds, DCM_PhotometricInterpretation, "MONOCHROME2", p);
  put(ds, DCM_Rows, std::to_string(n), p);
  put(ds, DCM_Columns, std::to_string(n), p);
  put(ds, DCM_BitsAllocated, "16", p);
  put(ds, DCM_BitsStored, "16", p);
  put(ds, DCM_HighBit, "15", p);
  put(ds, DCM_PixelRepresentation, "1", p);
  put(ds, DCM_RescaleIntercept, "0", p);
  put(ds, DCM_RescaleSlope, "1", p);
  put(ds, DCM_RescaleType, "HU", p);
  put(ds, DCM_KVP, "", p);
  put(ds, DCM_AcquisitionNumber, "", p);
  // VOI LUT: soft tissue, lung and bone presets.
  put(ds, DCM_WindowCenter, "40\\-600\\400", p);
  put(ds, DCM_WindowWidth, "400\\1500\\1800", p);
  put(ds, DCM_WindowCenterWidthExplanation, "SOFT TISSUE\\LUNG\\BONE", p);
  // Contributing Equipment: TrustCT as the processing equipment.
  DcmItem* eq = nullptr;
  ds.findOrCreateSequenceItem(DCM_ContributingEquipmentSequence, eq, -2);
  putCode(*eq, DCM_PurposeOfReferenceCodeSequence, {"109102", "DCM", "Processing Equipment"}, p);
  put(*eq, DCM_Manufacturer, kManufacturer, p);
  put(*eq, DCM_ManufacturerModelName, "TrustCT workbench", p);
  put(*eq, DCM_SoftwareVersions, softwareVersions, p);
  put(*eq, DCM_ContributionDateTime, ctInfo.date + ctInfo.time, p);
  put(*eq, DCM_ContributionDescription, ("Sparse-angle reconstruction with " + algorithm.name + ", certified").substr(0, 64), p);
  const OFCondition c = ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(hu.data_ptr<int16_t>()),
                                                   static_cast<unsigned long>(hu.numel()));
  if (c.bad()) throw InputError(p, std::string("cannot set pixel data: ") + c.text());
  saveInto(*set, file, ctPath);

  ExportedMethod out;
  out.ct = {ctPath, UID_CTImageStorage, ctInfo.sopUid, ctInfo.seriesUid};
  InstanceInfo srInfo{uid(seriesKey + "|sr series"), uid(instanceKey + "|sr"),
                      "TrustCT certificates of " + algorithm.name, seriesNumber + 1, today(), nowTime()};
  out.sr = writeCertificateSr(study_, srInfo, algorithm, report, out.ct, uid(seriesKey + "|observer"),
                              (fs::path(outDir) / (algorithm.id + "_sr.dcm")).string(),
                              [&](const std::string& property) { return uid(instanceKey + "|tracking " + property); },
                              *set);
  if (options_.keyObjectForFailures && report.overall == Label::Fail) {
    InstanceInfo koInfo{uid(seriesKey + "|kos series"), uid(instanceKey + "|kos"),
                        "TrustCT rejected " + algorithm.name, seriesNumber + 2, today(), nowTime()};
    out.keyObject = writeRejectionKos(study_, koInfo, report, out.ct, (fs::path(outDir) / (algorithm.id + "_kos.dcm")).string(),
                                      *set);
  }
  // A KOS of an earlier export of this method would flag (or reference) an image that is no longer there.
  if (!out.keyObject) set->removeOnCommit(algorithm.id + "_kos.dcm");
  if (own) own->commit();
  return out;
}

}  // namespace trustct
