#pragma once
// Internal helpers shared by the CT and SR writers of DicomExport (not part of the certs API).
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <functional>
#include <string>

#include "certs/dicom/DicomExport.h"
#include "recon/core/AtomicFile.h"

namespace trustct::dicomio {

// What one exported instance needs besides its content.
struct InstanceInfo {
  std::string seriesUid, sopUid, seriesDescription;
  int seriesNumber = 1;
  std::string date, time;  // content date/time (now)
};

constexpr const char* kManufacturer = "TrustCT";
constexpr const char* kLocalScheme = "99TRUSTCT";  // declared in every instance's Coding Scheme Identification

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value, const std::string& path);
void putCode(DcmItem& item, const DcmTagKey& sequence, const CodedValue& code, const std::string& path);
void declareLocalScheme(DcmItem& item, const std::string& path);
// "YYYYMMDD"/"HHMMSS" when the source value is valid DICOM, else empty (the attributes are type 2).
std::string validDate(const std::string& value);
std::string validTime(const std::string& value);
std::string formatDecimal(double v);  // as precise as DS (16 characters) allows
std::string today();
std::string nowTime();
// Saves as Explicit VR Little Endian into the file set (recon/core/AtomicFile.h) of `path`'s folder: it
// appears, with the set, at the set's commit (InputError on failure).
void saveInto(FileSetWriter& set, DcmFileFormat& file, const std::string& path);

ExportedInstance writeCertificateSr(const ExportStudy& study, const InstanceInfo& info, const AlgorithmInfo& algorithm,
                                    const CertificateReport& report, const ExportedInstance& ct,
                                    const std::string& observerUid, const std::string& path,
                                    const std::function<std::string(const std::string& property)>& trackingUid,
                                    FileSetWriter& set);
ExportedInstance writeRejectionKos(const ExportStudy& study, const InstanceInfo& info, const CertificateReport& report,
                                   const ExportedInstance& ct, const std::string& path, FileSetWriter& set);

}  // namespace trustct::dicomio
