#pragma once
// CT slices in Hounsfield units with the identifiers and geometry they were read with. No DCMTK here:
// a build without DICOM support (TRUSTCT_WITH_DICOM=OFF) still has the types, the model-grid mapping
// and the DICOM file check, so it can say that DICOM input is what it lacks.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trustct {

// Identifiers of the source instance: the export stays in the same study and references the source.
struct DicomIdentity {
  std::string specificCharacterSet;
  std::string patientName, patientId, patientBirthDate, patientSex;
  std::string studyInstanceUid, studyDate, studyTime, studyId, accessionNumber, referringPhysician, studyDescription;
  std::string seriesInstanceUid, frameOfReferenceUid, sopClassUid, sopInstanceUid;
  std::string manufacturer, bodyPartExamined;
  std::optional<std::string> laterality;  // absent and empty differ: Laterality is type 2C
};

struct CtSlice {
  int rows = 0, cols = 0;
  std::vector<float> hu;                          // rows × cols, row-major, Hounsfield units
  std::array<double, 2> pixelSpacing{1.0, 1.0};   // mm: between rows, between columns
  std::array<double, 3> position{0, 0, 0};        // centre of the first pixel (mm, patient coordinates)
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};  // row direction, column direction
  bool hasPlaneGeometry = false;                  // position/orientation came from the file
  double sliceThickness = 0;                      // mm; 0 when unknown
  int frameNumber = 0;                            // 1-based frame of a multi-frame instance; 0 otherwise
  int instanceNumber = 0;                         // sort key when there is no plane geometry
  std::optional<std::array<double, 2>> windowHu;  // the file's first VOI window (centre, width), when valid
  std::string source;                             // file path, for messages
  std::shared_ptr<const DicomIdentity> identity;

  float at(int r, int c) const { return hu[static_cast<size_t>(r) * cols + c]; }
  std::array<double, 3> normal() const;           // row × column direction
  std::string describe() const;                   // "file.dcm (frame 3)"
};

// Slices of one series, sorted by position along the slice normal (instance number as fallback).
struct CtSeries {
  std::string source;
  std::vector<CtSlice> slices;
  // The slice `index` (0-based); index < 0 picks the middle one. InputError when out of range.
  const CtSlice& slice(int index) const;
};

// True when the file starts like DICOM (preamble "DICM"); used to tell DICOM from sinogram inputs.
bool looksLikeDicom(const std::string& path);

}  // namespace trustct
