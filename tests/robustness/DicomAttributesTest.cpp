// DICOM attributes that were silently accepted (hardening issue, defect 12) are input errors naming the file
// and the attribute: High Bit other than Bits Stored - 1, Pixel Representation 7, PALETTE COLOR, Pixel
// Spacing 1e-9 mm, an all-zero Image Orientation (Patient); an RLE frame that does not match Rows x Columns
// says so instead of "cannot decode ... (supported: ... RLE)"; a Rescale Slope that overflows float is refused.
#include <gtest/gtest.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

#include <filesystem>
#include <functional>
#include <unistd.h>

#include "recon/core/Errors.h"
#include "recon/io/dicom/DicomCt.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {

const std::string kData = std::string(TRUSTCT_TEST_DATA) + "/dicom/";

// `source` from the test data with `edit` applied, written to a scratch file; the reader's refusal or "(read)".
std::string readEdited(const std::string& source, const std::function<void(DcmDataset&)>& edit) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile((kData + source).c_str()).good()) << source;
  edit(*file.getDataset());
  const fs::path out = fs::temp_directory_path() / ("trustct_attr_" + std::to_string(::getpid()) + ".dcm");
  EXPECT_TRUE(file.saveFile(out.c_str(), file.getDataset()->getOriginalXfer()).good());
  std::string result = "(read)";
  try {
    readDicomCt(out.string());
  } catch (const InputError& e) {
    result = e.what();
    EXPECT_NE(result.find(out.filename().string()), std::string::npos) << result;
  }
  fs::remove(out);
  return result;
}

TEST(DicomAttributes, ImplausibleAttributesAreRefusedByName) {
  EXPECT_EQ(readEdited("CT_small.dcm", [](DcmDataset&) {}), "(read)");
  const auto put = [](const DcmTagKey& key, const char* value) {
    return [key, value](DcmDataset& ds) { ASSERT_TRUE(ds.putAndInsertString(key, value).good()); };
  };
  EXPECT_NE(readEdited("CT_small.dcm", [](DcmDataset& ds) { ds.putAndInsertUint16(DCM_HighBit, 3); }).find("High Bit 3"),
            std::string::npos);
  EXPECT_NE(readEdited("CT_small.dcm", [](DcmDataset& ds) { ds.putAndInsertUint16(DCM_PixelRepresentation, 7); })
                .find("Pixel Representation 7"),
            std::string::npos);
  EXPECT_NE(readEdited("CT_small.dcm", put(DCM_PhotometricInterpretation, "PALETTE COLOR")).find("PALETTE COLOR"),
            std::string::npos);
  EXPECT_NE(readEdited("CT_small.dcm", put(DCM_PixelSpacing, "1e-9\\1e-9")).find("outside 0.001-100 mm"),
            std::string::npos);
  EXPECT_NE(readEdited("CT_small.dcm", put(DCM_ImageOrientationPatient, "0\\0\\0\\0\\0\\0"))
                .find("Image Orientation (Patient) is not two orthogonal unit vectors"),
            std::string::npos);
  // Finite attributes whose product is not (hardening issue, defect 3: non-finite values after rescale).
  EXPECT_NE(readEdited("CT_small.dcm", put(DCM_RescaleSlope, "1e300")).find("beyond the float range"),
            std::string::npos);
}

TEST(DicomAttributes, AnRleFrameThatDoesNotMatchItsDimensionsSaysSo) {
  EXPECT_EQ(readEdited("CT_small_rle.dcm", [](DcmDataset&) {}), "(read)");
  const std::string why = readEdited("CT_small_rle.dcm", [](DcmDataset& ds) {
    Uint16 rows = 0;
    ds.findAndGetUint16(DCM_Rows, rows);
    ds.putAndInsertUint16(DCM_Rows, Uint16(rows * 2));
  });
  EXPECT_NE(why.find("pixel data does not decode to Rows"), std::string::npos) << why;
  EXPECT_EQ(why.find("supported:"), std::string::npos) << why;
}

}  // namespace
