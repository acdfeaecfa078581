// Sinogram formats: raw + JSON sidecar, MetaImage/NIfTI via ITK, LoDoPaB-CT HDF5 (files written by the
// test in LoDoPaB's layout), and the malformed corpus.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "recon/core/Errors.h"
#include "recon/io/Lodopab.h"
#include "recon/io/SinogramIO.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {
const std::string kBad = std::string(TRUSTCT_TEST_DATA) + "/malformed/";

struct SinogramIo : ::testing::Test {
  void SetUp() override {
    op = RadonOperator::forGeometry(Geometry::paperDefault());
    dir = fs::temp_directory_path() / ("trustct_sino_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void expectInputError(const std::string& file, const std::string& fragment) const {
    try {
      loadSinogramFile(file, *op);
      FAIL() << file << " was accepted; expected: " << fragment;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fs::path(file).filename().string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  std::shared_ptr<const RadonOperator> op;
  fs::path dir;
};

// Off-centre disc of value v, radius r (metres), in LoDoPaB's layout: array axis 0 = x, axis 1 = y.
constexpr double kCx = 0.03, kCy = -0.02, kR = 0.05, kV = 0.5;
torch::Tensor lodopabDisc() {
  const int n = LodopabLayout::kImageSide;
  torch::Tensor gt = torch::zeros({n, n});
  auto a = gt.accessor<float, 2>();
  const double h = 2 * LodopabLayout::kHalfWidthMetres / n;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = -0.13 + (i + 0.5) * h, y = -0.13 + (j + 0.5) * h;
      if ((x - kCx) * (x - kCx) + (y - kCy) * (y - kCy) < kR * kR) a[i][j] = kV;
    }
  return gt;
}
// Its exact post-log observation in ODL's geometry: s = x cos φ + y sin φ.
torch::Tensor lodopabDiscObservation() {
  torch::Tensor obs = torch::zeros({LodopabLayout::kAngles, LodopabLayout::kBins});
  auto a = obs.accessor<float, 2>();
  const double rho = 0.13 * std::sqrt(2.0), w = 2 * rho / LodopabLayout::kBins;
  for (int k = 0; k < LodopabLayout::kAngles; ++k) {
    const double phi = (k + 0.5) * M_PI / LodopabLayout::kAngles;
    const double c = kCx * std::cos(phi) + kCy * std::sin(phi);
    for (int l = 0; l < LodopabLayout::kBins; ++l) {
      const double d = -rho + (l + 0.5) * w - c;
      if (std::fabs(d) < kR) a[k][l] = static_cast<float>(2 * kV * std::sqrt(kR * kR - d * d));
    }
  }
  return obs;
}
}  // namespace

TEST_F(SinogramIo, RawWithSidecarRoundTrips) {
  const torch::Tensor s = torch::rand({2, 30, 183});
  writeRawSinogram(path("s.raw"), s, op->geometry());
  const SinogramFile f = loadSinogramFile(path("s.raw"), *op);
  EXPECT_EQ(f.format, "raw");
  EXPECT_TRUE(torch::equal(f.sinograms, s));
  // A sidecar made for another geometry is refused.
  std::ofstream(path("s.raw.json")) << R"({"shape":[2,30,183],"dtype":"float32","geometry":{"image_size":64,"pixel_size":1,"num_angles":30,"num_bins":183}})";
  expectInputError(path("s.raw"), "differs from the model");
}

TEST_F(SinogramIo, MetaImageAndNiftiRoundTripThroughItk) {
  const torch::Tensor one = torch::rand({30, 183});
  const torch::Tensor stack = torch::rand({3, 30, 183});
  for (const char* name : {"a.mha", "b.nii", "c.nii.gz"}) {
    writeItkSinogram(path(name), one);
    EXPECT_TRUE(torch::equal(loadSinogramFile(path(name), *op).sinograms[0], one)) << name;
    writeItkSinogram(path(name), stack);
    EXPECT_TRUE(torch::equal(loadSinogramFile(path(name), *op).sinograms, stack)) << name;
  }
  writeItkSinogram(path("b.nii.gz"), one);
  expectInputError(path("b.nii.gz"), "ambiguous");
  writeItkSinogram(path("wrong.mha"), torch::rand({30, 100}));
  expectInputError(path("wrong.mha"), "wrong sinogram shape");
}

TEST_F(SinogramIo, LodopabObservationsAgreeWithOurOperatorOnTheGroundTruth) {
  writeHdf5Stack(path("ground_truth_test_000.hdf5"), torch::stack({lodopabDisc(), lodopabDisc()}));
  writeHdf5Stack(path("observation_test_000.hdf5"), torch::stack({lodopabDiscObservation(), lodopabDiscObservation()}));
  LodopabDataset obs(path("observation_test_000.hdf5"), op, NoiseModel::none(), 0);
  ASSERT_EQ(obs.kind(), LodopabDataset::Kind::Observation);
  ASSERT_EQ(obs.size(), 2);
  const Sample s = obs.get(1);
  ASSERT_TRUE(s.image.defined()) << "the ground_truth_ file beside it supplies the reference";
  EXPECT_EQ(s.sinogram.sizes(), (std::vector<int64_t>{30, 183}));
  EXPECT_NEAR(s.image.max().item<float>(), kV, 1e-3) << "observation mode keeps the physical scale";
  // The off-centre disc only agrees if angles, detector direction, axes and scaling all match.
  const torch::Tensor predicted = op->forward(s.image.unsqueeze(0)).squeeze(0);
  const double rel = ((s.sinogram - predicted).norm() / predicted.norm()).item<double>();
  EXPECT_LT(rel, 0.03) << "resampled LoDoPaB observation vs A·(resized ground truth)";
  const torch::Tensor mirrored = op->forward(s.image.flip(0).unsqueeze(0)).squeeze(0);
  EXPECT_GT(((s.sinogram - mirrored).norm() / mirrored.norm()).item<double>(), 5 * rel) << "test can tell orientation";

  // Ground truth alone: resized, rescaled to [0, 1] and re-simulated as in the papers.
  const SinogramFile gt = loadSinogramFile(path("ground_truth_test_000.hdf5"), *op, NoiseModel::none(), 0);
  EXPECT_EQ(gt.format, "lodopab-ground-truth");
  EXPECT_EQ(gt.sinograms.sizes(), (std::vector<int64_t>{2, 30, 183}));
  EXPECT_NEAR(gt.images.max().item<float>(), 1.0, 1e-6);
  EXPECT_NEAR(gt.pixelSpacingMm, 260.0 / 128, 1e-9);
  EXPECT_TRUE(torch::allclose(gt.sinograms[0], op->forward(gt.images[0].unsqueeze(0)).squeeze(0)));
}

TEST_F(SinogramIo, LodopabLayoutIsChecked) {
  writeHdf5Stack(path("odd.h5"), torch::zeros({2, 100, 100}));
  expectInputError(path("odd.h5"), "expected (n, 362, 362)");
  std::ofstream(path("fake.hdf5")) << "not hdf5";
  expectInputError(path("fake.hdf5"), "not an HDF5 file");
}

TEST_F(SinogramIo, MalformedCorpusGivesClearErrors) {
  expectInputError(kBad + "wrong_shape.npy", "wrong sinogram shape");
  expectInputError(kBad + "nan.npy", "NaN");
  expectInputError(kBad + "int_dtype.npy", "unsupported dtype");
  expectInputError(kBad + "truncated.npy", "truncated");
  expectInputError(kBad + "shape_not_a_tuple.npy", "not a valid .npy file");  // found by fuzz_npy: a key twice, no tuple
  expectInputError(kBad + "raw_without_sidecar.raw", "JSON sidecar");
  expectInputError(kBad + "raw_size_mismatch.raw", "bytes");
  expectInputError(kBad + "zero_bytes.dcm", "unknown sinogram format");
}
