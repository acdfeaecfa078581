// MetaImage and NIfTI inputs whose pixel data is missing, short or elsewhere are refused before ITK reads
// them (hardening issue, defect 10; docs/robustness.md "Reading inputs"): a header-only .mha used to export
// uninitialised memory, `ElementDataFile = /etc/passwd` made those bytes the sinogram, and a truncated
// NIfTI was exported.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "recon/core/Errors.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/SinogramIO.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {

struct ImageData : ::testing::Test {
  void SetUp() override {
    op = RadonOperator::forGeometry(Geometry::paperDefault());
    dir = fs::temp_directory_path() / ("trustct_imagedata_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "case");
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / "case" / name).string(); }
  // A MetaImage header for one 30 × 183 float sinogram whose data is `dataFile`, then `data`.
  void writeHeader(const std::string& name, const std::string& dataFile, const std::string& data = "",
                   const std::string& dimSize = "183 30") const {
    std::ofstream(path(name), std::ios::binary) << "ObjectType = Image\nNDims = 2\nBinaryData = True\n"
                                                << "BinaryDataByteOrderMSB = False\nDimSize = " << dimSize
                                                << "\nElementType = MET_FLOAT\nElementDataFile = " << dataFile << "\n"
                                                << data;
  }
  std::string refusal(const std::string& file) const {
    try {
      loadSinogramFile(file, *op);
    } catch (const InputError& e) {
      return e.what();
    }
    return "(accepted)";
  }
  static std::string floats(size_t count) { return std::string(count * sizeof(float), '\0'); }
  std::shared_ptr<const RadonOperator> op;
  fs::path dir;
};

constexpr size_t kPixels = 30 * 183;

TEST_F(ImageData, AMetaImageHoldsExactlyItsDeclaredPixels) {
  writeHeader("whole.mha", "LOCAL", floats(kPixels));
  EXPECT_EQ(refusal(path("whole.mha")), "(accepted)");
  writeHeader("header-only.mha", "LOCAL");
  EXPECT_NE(refusal(path("header-only.mha")).find("declares 21960 bytes of pixel data, but the file holds 0"),
            std::string::npos)
      << refusal(path("header-only.mha"));
  writeHeader("short.mha", "LOCAL", floats(kPixels - 1));
  EXPECT_NE(refusal(path("short.mha")).find("short.mha"), std::string::npos);
  EXPECT_NE(refusal(path("short.mha")).find("holds 21956"), std::string::npos) << refusal(path("short.mha"));
  writeHeader("long.mha", "LOCAL", floats(kPixels + 1));
  EXPECT_NE(refusal(path("long.mha")).find("holds 21964"), std::string::npos) << refusal(path("long.mha"));
}

TEST_F(ImageData, AHugeDeclaredShapeIsRefusedBeforeAnythingIsAllocated) {
  writeHeader("huge.mha", "LOCAL", std::string(22000, '\0'), "16384 16384");
  EXPECT_NE(refusal(path("huge.mha")).find("declares 1073741824 bytes"), std::string::npos) << refusal(path("huge.mha"));
}

TEST_F(ImageData, ADataFileOutsideTheHeadersFolderIsRefused) {
  std::ofstream(path("s.raw"), std::ios::binary) << floats(kPixels);
  writeHeader("beside.mhd", "s.raw");
  EXPECT_EQ(refusal(path("beside.mhd")), "(accepted)");
  writeHeader("passwd.mhd", "/etc/passwd");
  EXPECT_NE(refusal(path("passwd.mhd")).find("is outside the header's folder"), std::string::npos)
      << refusal(path("passwd.mhd"));
  std::ofstream((dir / "elsewhere.raw").string(), std::ios::binary) << floats(kPixels);
  writeHeader("up.mhd", "../elsewhere.raw");
  EXPECT_NE(refusal(path("up.mhd")).find("is outside the header's folder"), std::string::npos) << refusal(path("up.mhd"));
  fs::create_symlink(dir / "elsewhere.raw", path("link.raw"));
  writeHeader("link.mhd", "link.raw");
  EXPECT_NE(refusal(path("link.mhd")).find("leads outside the header's folder"), std::string::npos)
      << refusal(path("link.mhd"));
  writeHeader("missing.mhd", "absent.raw");
  EXPECT_NE(refusal(path("missing.mhd")).find("absent.raw"), std::string::npos) << refusal(path("missing.mhd"));
  ASSERT_EQ(::mkfifo(path("pipe.raw").c_str(), 0600), 0);
  writeHeader("pipe.mhd", "pipe.raw");
  EXPECT_NE(refusal(path("pipe.mhd")).find("is a FIFO"), std::string::npos) << refusal(path("pipe.mhd"));
}

TEST_F(ImageData, ATruncatedNiftiIsRefused) {
  const torch::Tensor stack = torch::rand({3, 30, 183});
  for (const char* name : {"plain.nii", "packed.nii.gz"}) {
    writeItkSinogram(path(name), stack);
    ASSERT_EQ(refusal(path(name)), "(accepted)") << name;
    fs::resize_file(path(name), fs::file_size(path(name)) * 2 / 3);
    const std::string why = refusal(path(name));
    EXPECT_NE(why.find(name), std::string::npos) << why;
    EXPECT_TRUE(why.find("cut short") != std::string::npos || why.find("damaged") != std::string::npos) << why;
  }
}

}  // namespace
