#include "recon/io/dicom/DicomCt.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <new>
#include <sstream>

#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"
#include "recon/io/dicom/DicomNesting.h"

namespace trustct {
namespace {

namespace fs = std::filesystem;

constexpr long kMaxSide = 8192;          // larger than any CT detector matrix
constexpr long kMaxFrames = 4096;
constexpr long long kMaxPixels = 1LL << 28;
// Decoding allocates the full image first: a compressed stream announcing more than this many times its
// own size is refused as a decompression bomb (lossless CT compresses 2–4×, lossy JPEG rarely past 50×).
constexpr long long kMaxCompressionRatio = 1000;

// DCMTK's decoders register globally; once per process is enough and is thread-safe this way.
void setUpDcmtk() {
  static std::once_flag once;
  std::call_once(once, [] {
    // DCMTK would print its own parser warnings to stderr; every problem reaches the caller as an InputError.
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

std::string stringOf(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  if (item.findAndGetOFStringArray(tag, v).bad()) return {};
  return std::string(v.c_str());
}

// Attributes of enhanced multi-frame objects live in functional groups: top level first (classic
// objects), then the frame's own group, then the shared group.
DcmItem* functionalGroup(DcmDataset& ds, int frameIndex, const DcmTagKey& sequence) {
  DcmItem* group = nullptr;
  DcmItem* inner = nullptr;
  if (ds.findAndGetSequenceItem(DCM_PerFrameFunctionalGroupsSequence, group, frameIndex).good() &&
      group->findAndGetSequenceItem(sequence, inner, 0).good())
    return inner;
  if (ds.findAndGetSequenceItem(DCM_SharedFunctionalGroupsSequence, group, 0).good() &&
      group->findAndGetSequenceItem(sequence, inner, 0).good())
    return inner;
  return nullptr;
}

// Reads `count` decimal values of `tag` at top level or in functional group `sequence`; false if absent.
bool findNumbers(DcmDataset& ds, int frameIndex, const DcmTagKey& sequence, const DcmTagKey& tag, int count,
                 double* out, const std::string& source) {
  DcmItem* item = &ds;
  if (!ds.tagExistsWithValue(tag)) item = functionalGroup(ds, frameIndex, sequence);
  if (!item || !item->tagExistsWithValue(tag)) return false;
  for (int i = 0; i < count; ++i) {
    Float64 v = 0;
    if (item->findAndGetFloat64(tag, v, i).bad())
      throw InputError(source, std::string(DcmTag(tag).getTagName()) + " has fewer than " + std::to_string(count) +
                                   " values");
    if (!std::isfinite(v)) throw InputError(source, std::string(DcmTag(tag).getTagName()) + " is not a finite number");
    out[i] = v;
  }
  return true;
}

long requiredInteger(DcmDataset& ds, const DcmTagKey& tag, const std::string& source) {
  Uint16 v = 0;
  if (ds.findAndGetUint16(tag, v).bad())
    throw InputError(source, std::string("missing ") + DcmTag(tag).getTagName() + " " + tag.toString().c_str());
  return v;
}

// "SecondaryCaptureImageStorage" → "Secondary Capture Image Storage"; the UID itself when unknown.
std::string sopClassName(const std::string& uid) {
  const char* keyword = dcmFindNameOfUID(uid.c_str(), nullptr);
  if (!keyword) return uid;
  std::string out;
  for (const char* p = keyword; *p; ++p) {
    const auto upper = [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; };
    if (p != keyword && upper(*p) && (!upper(p[-1]) || (p[1] && !upper(p[1])))) out += ' ';  // "MRImage" → "MR Image"
    out += *p;
  }
  return out;
}

bool isCtStorageClass(const std::string& uid) {
  return uid == UID_CTImageStorage || uid == UID_EnhancedCTImageStorage ||
         uid == UID_LegacyConvertedEnhancedCTImageStorage;
}

std::shared_ptr<const DicomIdentity> identityOf(DcmDataset& ds) {
  auto id = std::make_shared<DicomIdentity>();
  id->specificCharacterSet = stringOf(ds, DCM_SpecificCharacterSet);
  id->patientName = stringOf(ds, DCM_PatientName);
  id->patientId = stringOf(ds, DCM_PatientID);
  id->patientBirthDate = stringOf(ds, DCM_PatientBirthDate);
  id->patientSex = stringOf(ds, DCM_PatientSex);
  id->studyInstanceUid = stringOf(ds, DCM_StudyInstanceUID);
  id->studyDate = stringOf(ds, DCM_StudyDate);
  id->studyTime = stringOf(ds, DCM_StudyTime);
  id->studyId = stringOf(ds, DCM_StudyID);
  id->accessionNumber = stringOf(ds, DCM_AccessionNumber);
  id->referringPhysician = stringOf(ds, DCM_ReferringPhysicianName);
  id->studyDescription = stringOf(ds, DCM_StudyDescription);
  id->seriesInstanceUid = stringOf(ds, DCM_SeriesInstanceUID);
  id->frameOfReferenceUid = stringOf(ds, DCM_FrameOfReferenceUID);
  id->sopClassUid = stringOf(ds, DCM_SOPClassUID);
  id->sopInstanceUid = stringOf(ds, DCM_SOPInstanceUID);
  id->manufacturer = stringOf(ds, DCM_Manufacturer);
  id->bodyPartExamined = stringOf(ds, DCM_BodyPartExamined);
  if (ds.tagExists(DCM_Laterality)) id->laterality = stringOf(ds, DCM_Laterality);
  return id;
}

// Checks that the object is a CT image whose pixels we can turn into HU.
void requireCtImage(DcmDataset& ds, const DicomIdentity& id, const std::string& source) {
  const std::string modality = stringOf(ds, DCM_Modality);
  if (!id.sopClassUid.empty() && !isCtStorageClass(id.sopClassUid)) {
    throw InputError(source, "SOP class is " + sopClassName(id.sopClassUid) +
                                 (modality.empty() ? "" : " (modality " + modality + ")") +
                                 ", not a CT image (expected CT Image Storage or Enhanced CT Image Storage)");
  }
  if (modality != "CT")
    throw InputError(source, modality.empty() ? "no Modality (0008,0060): not a CT image"
                                              : "modality is " + modality + ", not CT");
  if (id.sopInstanceUid.empty()) throw InputError(source, "missing SOP Instance UID (0008,0018)");
  if (!ds.tagExists(DCM_PixelData)) throw InputError(source, "no pixel data (7FE0,0010)");
}

// Raw stored values of every pixel of every frame, sign-extended to `bitsStored` and masked.
std::vector<int32_t> storedValues(DcmDataset& ds, long bitsAllocated, long bitsStored, bool isSigned,
                                  size_t count, const std::string& source) {
  DcmElement* element = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || !element)
    throw InputError(source, "no pixel data (7FE0,0010)");
  const size_t bytesPerSample = static_cast<size_t>(bitsAllocated / 8);
  const size_t have = element->getLength();
  if (have < count * bytesPerSample)
    throw InputError(source, "pixel data holds " + std::to_string(have) + " bytes, the header announces " +
                                 std::to_string(count * bytesPerSample) + " (truncated or wrong dimensions)");
  std::vector<int32_t> out(count);
  const uint32_t mask = bitsStored >= 32 ? 0xFFFFFFFFu : ((1u << bitsStored) - 1);
  auto convert = [&](uint32_t raw) {
    raw &= mask;
    if (isSigned && bitsStored < 32 && (raw & (1u << (bitsStored - 1)))) return static_cast<int32_t>(raw) - (1 << bitsStored);
    return static_cast<int32_t>(raw);
  };
  Uint16* words = nullptr;
  Uint8* bytes = nullptr;
  if (bitsAllocated == 16 && element->getUint16Array(words).good() && words) {
    for (size_t i = 0; i < count; ++i) out[i] = convert(words[i]);
  } else if (element->getUint8Array(bytes).good() && bytes) {  // OB, little endian after decoding
    for (size_t i = 0; i < count; ++i) {
      uint32_t raw = bytes[i * bytesPerSample];
      if (bytesPerSample == 2) raw |= uint32_t(bytes[i * 2 + 1]) << 8;
      out[i] = convert(raw);
    }
  } else {
    throw InputError(source, "pixel data could not be read");
  }
  return out;
}

// The compressed syntaxes DCMTK decodes here (RLE, JPEG, JPEG-LS; not JPEG 2000).
constexpr E_TransferSyntax kDecodedSyntaxes[] = {EXS_RLELossless,     EXS_JPEGProcess1,     EXS_JPEGProcess2_4,
                                                 EXS_JPEGProcess14,   EXS_JPEGProcess14SV1, EXS_JPEGLSLossless,
                                                 EXS_JPEGLSLossy};

// Image Orientation (Patient): two unit, orthogonal direction cosines (all zeros was accepted before).
void requireDirectionCosines(const std::array<double, 6>& o, const std::string& source) {
  const double row = std::sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
  const double col = std::sqrt(o[3] * o[3] + o[4] * o[4] + o[5] * o[5]);
  const double dot = o[0] * o[3] + o[1] * o[4] + o[2] * o[5];
  if (std::abs(row - 1) > 0.01 || std::abs(col - 1) > 0.01 || std::abs(dot) > 0.01)
    throw InputError(source, "Image Orientation (Patient) is not two orthogonal unit vectors (lengths " +
                                 std::to_string(row) + " and " + std::to_string(col) + ", dot product " +
                                 std::to_string(dot) + ")");
}

std::vector<CtSlice> slicesOf(DcmDataset& ds, size_t fileBytes, const std::string& source) {
  auto identity = identityOf(ds);
  requireCtImage(ds, *identity, source);

  const long rows = requiredInteger(ds, DCM_Rows, source), cols = requiredInteger(ds, DCM_Columns, source);
  if (rows < 1 || cols < 1 || rows > kMaxSide || cols > kMaxSide)
    throw InputError(source, "absurd image dimensions " + std::to_string(rows) + "x" + std::to_string(cols) +
                                 " (each side must be 1.." + std::to_string(kMaxSide) + ")");
  Sint32 frames = 1;
  if (ds.tagExistsWithValue(DCM_NumberOfFrames) && ds.findAndGetSint32(DCM_NumberOfFrames, frames).bad())
    throw InputError(source, "Number of Frames (0028,0008) is not an integer");
  if (frames < 1 || frames > kMaxFrames)
    throw InputError(source, "absurd Number of Frames " + std::to_string(frames));
  if (static_cast<long long>(rows) * cols * frames > kMaxPixels)
    throw InputError(source, "absurd image size " + std::to_string(rows) + "x" + std::to_string(cols) + "x" +
                                 std::to_string(frames));
  Uint16 samples = 1;
  ds.findAndGetUint16(DCM_SamplesPerPixel, samples);
  if (samples != 1) throw InputError(source, "has " + std::to_string(samples) + " samples per pixel; CT is greyscale");
  const long bitsAllocated = requiredInteger(ds, DCM_BitsAllocated, source);
  if (bitsAllocated != 8 && bitsAllocated != 16)
    throw InputError(source, "unsupported Bits Allocated " + std::to_string(bitsAllocated) + " (expected 8 or 16)");
  long bitsStored = bitsAllocated;
  if (ds.tagExists(DCM_BitsStored)) bitsStored = requiredInteger(ds, DCM_BitsStored, source);
  if (bitsStored < 1 || bitsStored > bitsAllocated)
    throw InputError(source, "Bits Stored " + std::to_string(bitsStored) + " does not fit Bits Allocated " +
                                 std::to_string(bitsAllocated));
  if (ds.tagExists(DCM_HighBit) && requiredInteger(ds, DCM_HighBit, source) != bitsStored - 1)
    throw InputError(source, "High Bit " + std::to_string(requiredInteger(ds, DCM_HighBit, source)) +
                                 " is not Bits Stored - 1 (" + std::to_string(bitsStored - 1) + ")");
  Uint16 pixelRepresentation = 0;
  ds.findAndGetUint16(DCM_PixelRepresentation, pixelRepresentation);
  if (pixelRepresentation > 1)
    throw InputError(source, "Pixel Representation " + std::to_string(pixelRepresentation) +
                                 " is neither 0 (unsigned) nor 1 (two's complement)");
  OFString photometric;
  if (ds.findAndGetOFString(DCM_PhotometricInterpretation, photometric).good() && photometric != "MONOCHROME2" &&
      photometric != "MONOCHROME1")
    throw InputError(source, "Photometric Interpretation " + std::string(photometric.c_str()) +
                                 ": a CT image is MONOCHROME1 or MONOCHROME2 (greyscale)");

  // Compressed pixel data is decoded in place; JPEG 2000 has no DCMTK decoder.
  const E_TransferSyntax original = ds.getOriginalXfer();
  const long long decodedBytes = static_cast<long long>(rows) * cols * frames * (bitsAllocated / 8);
  if (DcmXfer(original).isEncapsulated() && decodedBytes > kMaxCompressionRatio * static_cast<long long>(fileBytes))
    throw InputError(source, "announces " + std::to_string(decodedBytes) + " bytes of pixels in a " +
                                 std::to_string(fileBytes) + "-byte file: not a plausible compressed image");
  if (ds.chooseRepresentation(EXS_LittleEndianExplicit, nullptr).bad() || !ds.canWriteXfer(EXS_LittleEndianExplicit)) {
    const DcmXfer xfer(original);
    const bool decodable = !xfer.isEncapsulated() ||
                           std::count(std::begin(kDecodedSyntaxes), std::end(kDecodedSyntaxes), original) > 0;
    if (decodable)  // a syntax TrustCT reads: the data itself does not match the image it claims to be
      throw InputError(source, std::string("its ") + xfer.getXferName() + " pixel data does not decode to Rows " +
                                   std::to_string(rows) + " x Columns " + std::to_string(cols) + " x " +
                                   std::to_string(frames) + " frame(s) of " + std::to_string(bitsAllocated) +
                                   " bits (damaged, or dimensions that do not match the compressed frames)");
    throw InputError(source, std::string("cannot decode pixel data in transfer syntax ") + xfer.getXferName() +
                                 " (supported: uncompressed, JPEG, JPEG-LS, RLE)");
  }
  const size_t perFrame = static_cast<size_t>(rows) * cols;
  const std::vector<int32_t> stored = storedValues(ds, bitsAllocated, bitsStored, pixelRepresentation == 1,
                                                   perFrame * frames, source);
  Sint32 instanceNumber = 0;
  ds.findAndGetSint32(DCM_InstanceNumber, instanceNumber);

  std::vector<CtSlice> slices(frames);
  for (int f = 0; f < frames; ++f) {
    CtSlice& s = slices[f];
    s.rows = static_cast<int>(rows);
    s.cols = static_cast<int>(cols);
    s.frameNumber = frames > 1 ? f + 1 : 0;
    s.instanceNumber = instanceNumber;
    s.source = source;
    s.identity = identity;
    double rescale[2] = {1.0, 0.0};
    findNumbers(ds, f, DCM_PixelValueTransformationSequence, DCM_RescaleSlope, 1, &rescale[0], source);
    findNumbers(ds, f, DCM_PixelValueTransformationSequence, DCM_RescaleIntercept, 1, &rescale[1], source);
    if (rescale[0] == 0) throw InputError(source, "Rescale Slope is 0");
    findNumbers(ds, f, DCM_PixelMeasuresSequence, DCM_PixelSpacing, 2, s.pixelSpacing.data(), source);
    if (!(s.pixelSpacing[0] > 0 && s.pixelSpacing[1] > 0))
      throw InputError(source, "Pixel Spacing must be positive");
    // A CT pixel is between a micrometre (micro-CT) and 100 mm; 1e-9 mm is a damaged or hostile header.
    if (std::min(s.pixelSpacing[0], s.pixelSpacing[1]) < 1e-3 || std::max(s.pixelSpacing[0], s.pixelSpacing[1]) > 100)
      throw InputError(source, "Pixel Spacing " + std::to_string(s.pixelSpacing[0]) + "\\" +
                                   std::to_string(s.pixelSpacing[1]) + " mm is outside 0.001-100 mm");
    findNumbers(ds, f, DCM_PixelMeasuresSequence, DCM_SliceThickness, 1, &s.sliceThickness, source);
    const bool hasPosition = findNumbers(ds, f, DCM_PlanePositionSequence, DCM_ImagePositionPatient, 3, s.position.data(), source);
    const bool hasOrientation = findNumbers(ds, f, DCM_PlaneOrientationSequence, DCM_ImageOrientationPatient, 6,
                                            s.orientation.data(), source);
    if (hasOrientation) requireDirectionCosines(s.orientation, source);
    s.hasPlaneGeometry = hasPosition && hasOrientation;
    // The VOI window is display advice only: a malformed one is ignored rather than refusing the image.
    std::array<double, 2> window{0, 0};
    try {
      if (findNumbers(ds, f, DCM_FrameVOILUTSequence, DCM_WindowCenter, 1, &window[0], source) &&
          findNumbers(ds, f, DCM_FrameVOILUTSequence, DCM_WindowWidth, 1, &window[1], source) && window[1] > 1)
        s.windowHu = window;
    } catch (const InputError&) {
    }
    s.hu.resize(perFrame);
    const int32_t* raw = stored.data() + perFrame * f;
    for (size_t i = 0; i < perFrame; ++i) s.hu[i] = static_cast<float>(raw[i] * rescale[0] + rescale[1]);
    // A finite slope can still overflow float (1e300 × a stored value): such HU would blank the image in
    // every later rescale, and a blank image must never reach a certificate.
    if (!std::all_of(s.hu.begin(), s.hu.end(), [](float v) { return std::isfinite(v); }))
      throw InputError(source, "Rescale Slope " + std::to_string(rescale[0]) + " and Intercept " +
                                   std::to_string(rescale[1]) + " make pixel values beyond the float range");
  }
  return slices;
}

std::string readBytes(const std::string& path) {
  return readRegularFile(path);
}

bool isDicomDirectory(const std::string& bytes) {
  return bytes.find(UID_MediaStorageDirectoryStorage) != std::string::npos && bytes.find("DICM") == 128;
}

}  // namespace

std::vector<CtSlice> parseDicomCt(const std::string& bytes, const std::string& source) {
  if (bytes.empty()) throw InputError(source, "file is empty (0 bytes)");
  setUpDcmtk();
  requireShallowNesting(bytes, source);  // before DCMTK's recursive parser can overflow the stack
  DcmInputBufferStream stream;
  stream.setBuffer(bytes.data(), static_cast<offile_off_t>(bytes.size()));
  stream.setEos();
  DcmFileFormat file;
  file.transferInit();
  OFCondition status;
  try {
    status = file.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
  } catch (const std::bad_alloc&) {  // DCMTK allocates an element's declared length before reading it
    throw InputError(source, "declares a data element larger than the available memory (damaged file)");
  }
  file.transferEnd();
  if (status.bad()) {
    const bool hasPreamble = bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0;
    throw InputError(source, hasPreamble ? "DICOM file is truncated or damaged (the data ends inside an element)"
                                         : "not a DICOM file (no DICM preamble, and not readable as a data set)");
  }
  DcmDataset* ds = file.getDataset();
  if (!ds || ds->card() == 0) throw InputError(source, "not a DICOM file (no data elements)");
  return slicesOf(*ds, bytes.size(), source);
}

CtSeries readDicomCt(const std::string& path) {
  CtSeries series;
  series.source = path;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) {
    series.slices = parseDicomCt(readBytes(path), path);
  } else {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::map<std::string, int> seriesCount;
    for (const auto& f : files) {
      if (!looksLikeDicom(f.string())) continue;  // README, thumbnails, ...
      const std::string bytes = readBytes(f.string());
      if (isDicomDirectory(bytes)) continue;
      for (auto& s : parseDicomCt(bytes, f.string())) {
        ++seriesCount[s.identity->seriesInstanceUid];
        series.slices.push_back(std::move(s));
      }
    }
    if (series.slices.empty()) throw InputError(path, "folder holds no DICOM CT files");
    if (seriesCount.size() > 1)
      throw InputError(path, "folder holds " + std::to_string(seriesCount.size()) +
                                 " different series; pass a folder with a single series");
  }
  // Sort along the slice normal so "slice k" means the same anatomy whatever the file names are.
  const bool geometric = std::all_of(series.slices.begin(), series.slices.end(),
                                     [](const CtSlice& s) { return s.hasPlaneGeometry; });
  auto key = [&](const CtSlice& s) {
    if (!geometric) return static_cast<double>(s.instanceNumber);
    const auto n = series.slices.front().normal();
    return s.position[0] * n[0] + s.position[1] * n[1] + s.position[2] * n[2];
  };
  std::stable_sort(series.slices.begin(), series.slices.end(),
                   [&](const CtSlice& a, const CtSlice& b) { return key(a) < key(b); });
  return series;
}

}  // namespace trustct
