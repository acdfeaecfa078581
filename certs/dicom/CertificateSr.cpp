// Certificates as a Comprehensive SR (TID 1500 Measurement Report) and the Key Object Selection that
// flags a failing reconstruction. DCMTK generates its own UIDs for a new document; they are replaced by
// ours before the file is written.
#include <cmath>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "certs/CertificateProperty.h"
#include "certs/dicom/DicomWriting.h"
#include "recon/core/Errors.h"

namespace trustct::dicomio {
namespace {

DSRCodedEntryValue coded(const CodedValue& c) { return DSRCodedEntryValue(c.value.c_str(), c.scheme.c_str(), c.meaning.c_str()); }
DSRCodedEntryValue coded(const char* value, const char* scheme, const char* meaning) {
  return DSRCodedEntryValue(value, scheme, meaning);
}

void check(const OFCondition& c, const std::string& what, const std::string& path) {
  if (c.bad()) throw InputError(path, "cannot build the structured report (" + what + "): " + c.text());
}

// Builds the content tree with a cursor: child() adds below the current item and moves to it, up() returns.
class TreeBuilder {
 public:
  TreeBuilder(DSRDocumentTree& tree, std::string path) : tree_(tree), path_(std::move(path)) {}

  DSRContentItem& child(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type, const DSRCodedEntryValue& concept) {
    check(tree_.addChildContentItem(rel, type, concept), concept.getCodeMeaning().c_str(), path_);
    return tree_.getCurrentContentItem();
  }
  void up() { tree_.goUp(); }
  void text(DSRTypes::E_RelationshipType rel, const DSRCodedEntryValue& concept, const std::string& value) {
    check(child(rel, DSRTypes::VT_Text, concept).setStringValue(value.c_str()), "text", path_);
    up();
  }
  void code(DSRTypes::E_RelationshipType rel, const DSRCodedEntryValue& concept, const DSRCodedEntryValue& value) {
    check(child(rel, DSRTypes::VT_Code, concept).setCodeValue(value), "code", path_);
    up();
  }
  void number(DSRTypes::E_RelationshipType rel, const DSRCodedEntryValue& concept, double value) {
    check(child(rel, DSRTypes::VT_Num, concept)
              .setNumericValue(DSRNumericMeasurementValue(formatDecimal(value).c_str(), coded("1", "UCUM", "no units"))),
          "numeric value", path_);
    up();
  }
  void uid(DSRTypes::E_RelationshipType rel, const DSRCodedEntryValue& concept, const std::string& value) {
    check(child(rel, DSRTypes::VT_UIDRef, concept).setStringValue(value.c_str()), "uid", path_);
    up();
  }
  void image(DSRTypes::E_RelationshipType rel, const DSRCodedEntryValue* concept, const ExportedInstance& ct) {
    if (concept) child(rel, DSRTypes::VT_Image, *concept);
    else if (!tree_.addContentItem(rel, DSRTypes::VT_Image, DSRTypes::AM_belowCurrent)) check(EC_IllegalCall, "image", path_);
    check(tree_.getCurrentContentItem().setImageReference(DSRImageReferenceValue(ct.sopClassUid.c_str(), ct.sopInstanceUid.c_str())),
          "image reference", path_);
    up();
  }

 private:
  DSRDocumentTree& tree_;
  std::string path_;
};

// The concept the certificate's property declared when it was certified; a certificate made by hand
// (without a Certifier) takes the one of the standard property of its name.
CodedValue propertyConcept(const Certificate& c, const std::string& path) {
  if (!c.srCode.empty()) return {c.srCode, kLocalScheme, "Certificate: " + c.title};
  const CertificateProperty* p = CertificateSuite::standard().find(c.property);
  if (!p) throw InputError(path, "certificate " + c.property + " names no SR concept (it was not made by a Certifier)");
  return {p->srCode(), kLocalScheme, "Certificate: " + p->title()};
}

// "fidelity, box": the properties whose certificates fail, for the verdict text and the KOS description.
std::string failingProperties(const CertificateReport& report) {
  std::string failing;
  for (const Certificate& c : report.certificates)
    if (c.label == Label::Fail) failing += (failing.empty() ? "" : ", ") + c.property;
  return failing;
}

void fillPatientAndStudy(DSRDocument& doc, const ExportStudy& study, const InstanceInfo& info) {
  const DicomIdentity& id = study.identity;
  if (!id.specificCharacterSet.empty()) doc.setSpecificCharacterSet(id.specificCharacterSet.c_str(), OFFalse);
  doc.setPatientName(id.patientName.c_str(), OFFalse);
  doc.setPatientID(id.patientId.c_str(), OFFalse);
  doc.setPatientBirthDate(validDate(id.patientBirthDate).c_str(), OFFalse);
  doc.setPatientSex(id.patientSex == "M" || id.patientSex == "F" || id.patientSex == "O" ? id.patientSex.c_str() : "", OFFalse);
  doc.setReferringPhysicianName(id.referringPhysician.c_str(), OFFalse);
  doc.setStudyID(id.studyId.substr(0, 16).c_str(), OFFalse);
  doc.setAccessionNumber(id.accessionNumber.substr(0, 16).c_str(), OFFalse);
  doc.setStudyDescription(id.studyDescription.substr(0, 64).c_str(), OFFalse);
  doc.setStudyDate(validDate(id.studyDate).c_str(), OFFalse);
  doc.setStudyTime(validTime(id.studyTime).c_str(), OFFalse);
  doc.setSeriesDescription(info.seriesDescription.substr(0, 64).c_str(), OFFalse);
  doc.setSeriesNumber(std::to_string(info.seriesNumber).c_str(), OFFalse);
  doc.setInstanceNumber("1", OFFalse);
  doc.setManufacturer(kManufacturer, OFFalse);
  doc.setManufacturerModelName("TrustCT workbench", OFFalse);
  doc.setContentDate(info.date.c_str(), OFFalse);
  doc.setContentTime(info.time.c_str(), OFFalse);
}

// The SR's evidence is the reconstruction and its source; a KOS lists exactly what it references.
void addEvidence(DSRDocument& doc, const ExportStudy& study, const ExportedInstance& ct, bool withSource,
                 const std::string& path) {
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  const std::string& studyUid = study.identity.studyInstanceUid;
  check(evidence.addItem(studyUid.c_str(), ct.seriesInstanceUid.c_str(), ct.sopClassUid.c_str(), ct.sopInstanceUid.c_str()),
        "evidence", path);
  if (withSource && study.referencesSource && !study.identity.seriesInstanceUid.empty())
    check(evidence.addItem(studyUid.c_str(), study.identity.seriesInstanceUid.c_str(), study.identity.sopClassUid.c_str(),
                           study.identity.sopInstanceUid.c_str(), OFFalse),
          "evidence", path);
}

// Writes the document with our Series and SOP Instance UIDs (DCMTK's generated ones are replaced).
ExportedInstance save(DSRDocument& doc, const InstanceInfo& info, const std::string& sopClass, const std::string& path,
                      FileSetWriter& set) {
  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  check(doc.write(ds), "write", path);
  put(ds, DCM_SeriesInstanceUID, info.seriesUid, path);
  put(ds, DCM_SOPInstanceUID, info.sopUid, path);
  ds.findAndDeleteElement(DCM_InstanceCreatorUID);
  declareLocalScheme(ds, path);
  saveInto(set, file, path);
  return {path, sopClass, info.sopUid, info.seriesUid};
}

}  // namespace

ExportedInstance writeCertificateSr(const ExportStudy& study, const InstanceInfo& info, const AlgorithmInfo& algorithm,
                                    const CertificateReport& report, const ExportedInstance& ct,
                                    const std::string& observerUid, const std::string& path,
                                    const std::function<std::string(const std::string& property)>& trackingUid,
                                    FileSetWriter& set) {
  DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
  // A new series resets series attributes, so it comes before they are filled in.
  check(doc.createNewSeriesInStudy(study.identity.studyInstanceUid.c_str()), "study", path);
  fillPatientAndStudy(doc, study, info);
  doc.completeDocument();
  DSRDocumentTree& tree = doc.getTree();
  if (!tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container)) check(EC_IllegalCall, "root", path);
  check(tree.getCurrentContentItem().setConceptName(coded("126000", "DCM", "Imaging Measurement Report")), "root", path);
  check(tree.setTemplateIdentification("1500", "DCMR"), "template", path);
  TreeBuilder b(tree, path);
  b.code(DSRTypes::RT_hasConceptMod, coded("121049", "DCM", "Language of Content Item and Descendants"),
         coded("en-US", "RFC5646", "English, United States"));
  // Observation context: TrustCT is the observing device (TID 1004).
  b.code(DSRTypes::RT_hasObsContext, coded("121005", "DCM", "Observer Type"), coded("121007", "DCM", "Device"));
  b.uid(DSRTypes::RT_hasObsContext, coded("121012", "DCM", "Device Observer UID"), observerUid);
  b.text(DSRTypes::RT_hasObsContext, coded("121013", "DCM", "Device Observer Name"), "TrustCT");
  b.text(DSRTypes::RT_hasObsContext, coded("121014", "DCM", "Device Observer Manufacturer"), kManufacturer);
  b.text(DSRTypes::RT_hasObsContext, coded("121015", "DCM", "Device Observer Model Name"), algorithm.softwareVersion);
  b.code(DSRTypes::RT_hasConceptMod, coded("121058", "DCM", "Procedure reported"), coded("77477000", "SCT", "Computed tomography"));
  // Image library: the certified reconstruction.
  b.child(DSRTypes::RT_contains, DSRTypes::VT_Container, coded("111028", "DCM", "Image Library"));
  b.child(DSRTypes::RT_contains, DSRTypes::VT_Container, coded("126200", "DCM", "Image Library Group"));
  b.image(DSRTypes::RT_contains, nullptr, ct);
  b.up();
  b.up();
  // One measurement group per certificate (TID 1501).
  b.child(DSRTypes::RT_contains, DSRTypes::VT_Container, coded("126010", "DCM", "Imaging Measurements"));
  const DSRCodedEntryValue source("260753009", "SCT", "Source");
  for (const Certificate& c : report.certificates) {
    b.child(DSRTypes::RT_contains, DSRTypes::VT_Container, coded("125007", "DCM", "Measurement Group"));
    b.text(DSRTypes::RT_hasObsContext, coded("112039", "DCM", "Tracking Identifier"), "TrustCT certificate " + c.property);
    b.uid(DSRTypes::RT_hasObsContext, coded("112040", "DCM", "Tracking Unique Identifier"), trackingUid(c.property));
    b.image(DSRTypes::RT_contains, &source, ct);
    DSRContentItem& num = b.child(DSRTypes::RT_contains, DSRTypes::VT_Num, coded(propertyConcept(c, path)));
    check(num.setNumericValue(DSRNumericMeasurementValue(formatDecimal(c.value).c_str(), coded("1", "UCUM", "no units"))),
          "numeric value", path);
    b.text(DSRTypes::RT_hasConceptMod, coded("111001", "DCM", "Algorithm Name"), "TrustCT certificate " + c.property);
    b.text(DSRTypes::RT_hasConceptMod, coded("111003", "DCM", "Algorithm Version"), algorithm.softwareVersion);
    b.text(DSRTypes::RT_hasConceptMod, coded("111002", "DCM", "Algorithm Parameters"),
           "reconstruction " + algorithm.id + " (" + algorithm.fingerprint + "); calibration " +
               algorithm.calibrationFingerprint + "; calibrated CDF " + formatDecimal(c.cdf));
    b.up();
    b.code(DSRTypes::RT_contains, coded("C0034375", "UMLS", "Qualitative Evaluations"), coded(qualityCode(c.label)));
    // The calibration's thresholds the label was read against: a warning from the first, a fail from the second.
    if (std::isfinite(c.warningAt))
      b.number(DSRTypes::RT_contains, coded("WARNING-AT", kLocalScheme, "Certificate warning threshold"), c.warningAt);
    if (std::isfinite(c.failAt))
      b.number(DSRTypes::RT_contains, coded("FAIL-AT", kLocalScheme, "Certificate fail threshold"), c.failAt);
    b.text(DSRTypes::RT_contains, coded("LABEL-BASIS", kLocalScheme, "Certificate label basis"), c.basis);
    b.up();
  }
  b.up();
  // The overall verdict, what a PACS lists first (TID 1500 Qualitative Evaluations), and what it rests on.
  b.child(DSRTypes::RT_contains, DSRTypes::VT_Container, coded("C0034375", "UMLS", "Qualitative Evaluations"));
  b.code(DSRTypes::RT_contains, coded("VERDICT", kLocalScheme, "Overall trustworthiness verdict"),
         coded(qualityCode(report.overall)));
  const std::string failing = failingProperties(report);
  b.text(DSRTypes::RT_contains, coded("VERDICT-TEXT", kLocalScheme, "Overall trustworthiness verdict text"),
         "TrustCT: " + verdictText(report.overall) + (failing.empty() ? "" : " (failing: " + failing + ")"));
  const std::string& calibration = report.calibration.empty() ? algorithm.calibrationFingerprint : report.calibration;
  b.text(DSRTypes::RT_contains, coded("CALIBRATION", kLocalScheme, "Certificate calibration"),
         calibration.empty() ? "none (every certificate fails)"
                             : "calibration " + calibration +
                                   (report.calibrationModel.empty() ? "" : ", made with " + report.calibrationModel));
  b.up();
  addEvidence(doc, study, ct, true, path);
  return save(doc, info, UID_ComprehensiveSRStorage, path, set);
}

ExportedInstance writeRejectionKos(const ExportStudy& study, const InstanceInfo& info, const CertificateReport& report,
                                   const ExportedInstance& ct, const std::string& path, FileSetWriter& set) {
  DSRDocument doc(DSRTypes::DT_KeyObjectSelectionDocument);
  // A new series resets series attributes, so it comes before they are filled in.
  check(doc.createNewSeriesInStudy(study.identity.studyInstanceUid.c_str()), "study", path);
  fillPatientAndStudy(doc, study, info);
  DSRDocumentTree& tree = doc.getTree();
  if (!tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container)) check(EC_IllegalCall, "root", path);
  check(tree.getCurrentContentItem().setConceptName(coded("113001", "DCM", "Rejected for Quality Reasons")), "root", path);
  check(tree.setTemplateIdentification("2010", "DCMR"), "template", path);
  TreeBuilder b(tree, path);
  const std::string failing = failingProperties(report);
  b.text(DSRTypes::RT_contains, coded("113012", "DCM", "Key Object Description"),
         "TrustCT: the " + report.method + " reconstruction failed its trustworthiness certificates (" + failing + ")");
  b.image(DSRTypes::RT_contains, nullptr, ct);
  addEvidence(doc, study, ct, false, path);
  return save(doc, info, UID_KeyObjectSelectionDocumentStorage, path, set);
}

}  // namespace trustct::dicomio
