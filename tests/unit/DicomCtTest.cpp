// DICOM CT loading on Debian's real CT files, compressed syntaxes, multi-frame, series order, the model
// grid, and the malformed corpus.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <numeric>

#include "recon/core/Errors.h"
#include "recon/io/ModelGrid.h"
#include "recon/io/ReconstructionInput.h"
#include "recon/io/dicom/DicomCt.h"

using namespace trustct;

namespace {
const std::string kData = std::string(TRUSTCT_TEST_DATA) + "/dicom/";
const std::string kBad = std::string(TRUSTCT_TEST_DATA) + "/malformed/";

void expectInputError(const std::string& path, const std::string& fragment) {
  try {
    readDicomCt(path);
    FAIL() << path << " was accepted; expected: " << fragment;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(DicomCt, ReadsCtSmallInHounsfieldUnits) {
  const CtSeries s = readDicomCt(kData + "CT_small.dcm");
  ASSERT_EQ(s.slices.size(), 1u);
  const CtSlice& c = s.slices[0];
  EXPECT_EQ(c.rows, 128);
  EXPECT_EQ(c.cols, 128);
  EXPECT_TRUE(c.hasPlaneGeometry);
  EXPECT_NEAR(c.pixelSpacing[0], 0.661468, 1e-5);
  // Reference values from pydicom (pixel_array * RescaleSlope + RescaleIntercept) on the same file.
  const auto [lo, hi] = std::minmax_element(c.hu.begin(), c.hu.end());
  EXPECT_EQ(*lo, -896.0f);
  EXPECT_EQ(*hi, 1167.0f);
  EXPECT_EQ(c.at(64, 64), 904.0f);
  EXPECT_EQ(c.at(10, 100), 203.0f);
  EXPECT_EQ(std::accumulate(c.hu.begin(), c.hu.end(), 0.0), -1950906.0);
  EXPECT_EQ(c.identity->studyInstanceUid.substr(0, 19), "1.3.6.1.4.1.5962.1.");
  EXPECT_EQ(c.identity->sopClassUid, "1.2.840.10008.5.1.4.1.1.2");
}

TEST(DicomCt, CompressedSyntaxesDecodeToTheSameHu) {
  const CtSlice ref = readDicomCt(kData + "CT_small.dcm").slices[0];
  for (const char* name : {"CT_small_jpeg_lossless.dcm", "CT_small_jpegls.dcm", "CT_small_rle.dcm"}) {
    const CtSlice c = readDicomCt(kData + name).slices[0];
    ASSERT_EQ(c.hu.size(), ref.hu.size()) << name;
    EXPECT_EQ(c.hu, ref.hu) << name << " is lossless: values must match exactly";
  }
}

TEST(DicomCt, SeriesFolderIsSortedByPosition) {
  const CtSeries s = readDicomCt(kData + "series_ct2");
  ASSERT_EQ(s.slices.size(), 4u);
  for (size_t i = 1; i < s.slices.size(); ++i) EXPECT_LT(s.slices[i - 1].position[2], s.slices[i].position[2]);
  EXPECT_EQ(s.slice(-1).position[2], s.slices[2].position[2]);
}

TEST(DicomCt, EnhancedMultiFrameMatchesTheSeries) {
  const CtSeries series = readDicomCt(kData + "series_ct2");
  const CtSeries multi = readDicomCt(kData + "enhanced_ct_multiframe.dcm");
  ASSERT_EQ(multi.slices.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_GT(multi.slices[i].frameNumber, 0);
    EXPECT_DOUBLE_EQ(multi.slices[i].position[2], series.slices[i].position[2]);
    EXPECT_EQ(multi.slices[i].hu, series.slices[i].hu) << "frame sorted to position " << i;
  }
}

TEST(DicomCt, SliceOutOfRangeNamesTheSource) {
  const CtSeries s = readDicomCt(kData + "series_ct2");
  try {
    s.slice(9);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("series has 4"), std::string::npos) << e.what();
  }
}

TEST(DicomCt, MalformedCorpusGivesClearErrors) {
  expectInputError(kBad + "zero_bytes.dcm", "empty (0 bytes)");
  expectInputError(kBad + "truncated.dcm", "truncated");
  expectInputError(kBad + "non_ct_modality_mr.dcm", "MR");
  expectInputError(kBad + "missing_pixel_data.dcm", "no pixel data");
  expectInputError(kBad + "absurd_dimensions.dcm", "absurd image dimensions");
  expectInputError(kBad + "rows_exceed_pixel_data.dcm", "pixel data holds");
  expectInputError(kBad + "text_file.dcm", "not a DICOM file");
  expectInputError(kData + "CT-MONO2-16-ankle.dcm", "Secondary Capture");
  expectInputError(kBad + "no_such_file.dcm", "no such file");
}

TEST(ModelGrid, NormalisationFollowsLodopab) {
  const torch::Tensor hu = torch::tensor({-1000.0, 0.0, 1000.0, 4000.0}, torch::kFloat64);
  const torch::Tensor x = huToAttenuation(hu);
  EXPECT_NEAR(x[0].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(x[1].item<double>(), 20.0 / 81.35858, 1e-9);
  EXPECT_NEAR(x[2].item<double>(), 40.0 / 81.35858, 1e-9);
  EXPECT_NEAR(x[3].item<double>(), 1.0, 1e-12);  // clipped
  EXPECT_NEAR(attenuationToHu(x[2]).item<double>(), 1000.0, 1e-9);
}

TEST(ModelGrid, CtSmallKeepsItsFieldOfView) {
  const CtSlice c = readDicomCt(kData + "CT_small.dcm").slices[0];
  const GridImage g = toModelGrid(c, 128);
  EXPECT_EQ(g.image.sizes(), (std::vector<int64_t>{128, 128}));
  EXPECT_GE(g.image.min().item<float>(), 0.0f);
  EXPECT_LE(g.image.max().item<float>(), 1.0f);
  // Same size: same pixels, so the grid sits exactly on the source slice.
  EXPECT_NEAR(g.placement.pixelSpacingMm, c.pixelSpacing[0], 1e-9);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(g.placement.firstPixelCentre[k], c.position[k], 1e-9);
  const torch::Tensor direct = huToAttenuation(torch::from_blob(const_cast<float*>(c.hu.data()), {128, 128}).to(torch::kFloat64));
  EXPECT_LT((g.image.to(torch::kFloat64) - direct).abs().max().item<double>(), 1e-6);
}

TEST(ModelGrid, DownsamplingKeepsTheCentreAndAveragesArea) {
  CtSlice c;
  c.rows = 256;
  c.cols = 512;  // anisotropic field: padded with air to a square
  c.pixelSpacing = {0.5, 0.5};
  c.hu.assign(256 * 512, 0.0f);  // water
  c.source = "synthetic";
  const GridImage g = toModelGrid(c, 128);
  EXPECT_NEAR(g.placement.pixelSpacingMm, 2.0, 1e-12);
  // Water band in the middle rows, air above and below.
  EXPECT_NEAR(g.image[64][64].item<float>(), 20.0 / 81.35858, 1e-5);
  EXPECT_NEAR(g.image[5][64].item<float>(), 0.0, 1e-6);
  // First pixel centre: the square's corner is 128 source pixels above the slice.
  EXPECT_NEAR(g.placement.firstPixelCentre[1], -0.25 - 128 * 0.5 + 1.0, 1e-9);
}

TEST(ReconstructionInput, DicomInputSimulatesALowDoseSinogram) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  InputOptions o;
  o.seed = 3;
  const ReconstructionInput in = loadReconstructionInput(kData + "CT_small.dcm", *op, o);
  EXPECT_TRUE(in.simulated);
  EXPECT_EQ(in.sinogram.sizes(), (std::vector<int64_t>{30, 183}));
  const torch::Tensor clean = op->forward(in.grid.image.unsqueeze(0)).squeeze(0);
  const double rel = ((in.sinogram - clean).norm() / clean.norm()).item<double>();
  EXPECT_GT(rel, 1e-4);  // noisy
  EXPECT_LT(rel, 0.2);   // but low-dose, not garbage
  const ReconstructionInput again = loadReconstructionInput(kData + "CT_small.dcm", *op, o);
  EXPECT_TRUE(torch::equal(in.sinogram, again.sinogram)) << "same seed, same sinogram";
}
