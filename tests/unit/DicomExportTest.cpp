// Certified DICOM export: HU round trip through our own loader, geometry and UIDs, anonymisation,
// placeholder study for sinogram input, and the rejection KOS.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "certs/Certifier.h"
#include "certs/dicom/DicomExport.h"
#include "certs/dicom/DicomWriting.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/ReconstructionInput.h"
#include "recon/io/dicom/DicomCt.h"
#include "recon/methods/FbpMethod.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {
const std::string kData = std::string(TRUSTCT_TEST_DATA) + "/dicom/";

std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
size_t occurrences(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

class DicomExport : public ::testing::Test {
 protected:
  void SetUp() override {
    env = ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, "");
    fbp = std::make_unique<FbpMethod>(env);
    dir = fs::temp_directory_path() / ("trustct_export_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  CertificateReport certify(const torch::Tensor& image, const torch::Tensor& sinogram) {
    static std::optional<Certifier> certifier;
    if (!certifier) {
      SimulatedDataset cal(env.op, PhantomKind::Ellipses, 24, 77, NoiseModel{}, true);
      JobContext ctx("calibrate");
      certifier.emplace(CertificateSuite::standard(), calibrate(env, *fbp, CertificateSuite::standard(), cal, 0.95, 0.05, ctx));
    }
    return certifier->certify("fbp", CertificateInput{image, sinogram, env.op.get(), std::nullopt});
  }

  // Certified with the calibrated standard suite unless `certifier` is given.
  ExportedMethod exportCtSmall(const ExportOptions& options, torch::Tensor& image, ExportStudy* studyOut = nullptr,
                               const Certifier* certifier = nullptr) {
    const ReconstructionInput in = loadReconstructionInput(kData + "CT_small.dcm", *env.op, InputOptions{});
    JobContext ctx("fbp");
    image = fbp->reconstruct(in.sinogram.unsqueeze(0), ctx).images[0];
    UidGenerator uids(options.uidRoot);
    CertifiedDicomExporter exporter(in.grid.placement, ExportStudy::from(in.grid, options, uids), options);
    if (studyOut) *studyOut = exporter.study();
    const CertificateReport report =
        certifier ? certifier->certify("fbp", CertificateInput{image, in.sinogram, env.op.get(), std::nullopt})
                  : certify(image, in.sinogram);
    return exporter.write(AlgorithmInfo::of(*fbp, nullptr), image, report, "test export", dir.string(), 9001);
  }

  ReconstructionEnvironment env;
  std::unique_ptr<FbpMethod> fbp;
  fs::path dir;
};
}  // namespace

TEST_F(DicomExport, OwnLoaderReadsTheCtBackWithinOneHu) {
  torch::Tensor image;
  const ExportedMethod files = exportCtSmall(ExportOptions{}, image);
  const CtSeries back = readDicomCt(files.ct.path);
  ASSERT_EQ(back.slices.size(), 1u);
  const CtSlice& s = back.slices[0];
  ASSERT_EQ(s.rows, 128);
  const torch::Tensor written = attenuationToHu(image.to(torch::kFloat64));
  const torch::Tensor read = torch::from_blob(const_cast<float*>(s.hu.data()), {128, 128}).to(torch::kFloat64);
  const double maxError = (read - written).abs().max().item<double>();
  EXPECT_LE(maxError, 1.0) << "HU round trip";
  EXPECT_LE(maxError, 0.5 + 1e-9) << "only rounding to integers is lost";
  // Geometry and identifiers: same study and frame of reference, the grid where the source slice was.
  const CtSlice src = readDicomCt(kData + "CT_small.dcm").slices[0];
  EXPECT_EQ(s.identity->studyInstanceUid, src.identity->studyInstanceUid);
  EXPECT_EQ(s.identity->frameOfReferenceUid, src.identity->frameOfReferenceUid);
  EXPECT_NE(s.identity->seriesInstanceUid, src.identity->seriesInstanceUid);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(s.position[k], src.position[k], 1e-4);
  EXPECT_NEAR(s.pixelSpacing[0], src.pixelSpacing[0], 1e-5);
}

TEST_F(DicomExport, NewUidsUseTheProjectRootNeverDcmtks) {
  torch::Tensor image;
  const ExportedMethod files = exportCtSmall(ExportOptions{}, image);
  for (const auto* f : {&files.ct, &files.sr}) {
    EXPECT_EQ(f->sopInstanceUid.rfind("2.25.", 0), 0u) << f->sopInstanceUid;
    EXPECT_EQ(f->seriesInstanceUid.rfind("2.25.", 0), 0u);
    EXPECT_TRUE(isValidUid(f->sopInstanceUid));
    // DCMTK's root may only appear once: as the writing toolkit's Implementation Class UID in the meta header.
    EXPECT_EQ(occurrences(bytesOf(f->path), "1.2.276.0.7230010"), 1u) << f->path;
  }
  ExportOptions own;
  own.uidRoot = "1.2.826.0.1.3680043.10.999";
  const ExportedMethod mine = exportCtSmall(own, image);
  EXPECT_EQ(mine.ct.sopInstanceUid.rfind("1.2.826.0.1.3680043.10.999.", 0), 0u);
  EXPECT_LE(mine.ct.sopInstanceUid.size(), 64u);
  EXPECT_THROW(UidGenerator{"1.02.3"}, UsageError);
}

namespace {
// The 128-bit number of a 2.25 UID.
unsigned __int128 uuidOf(const std::string& uid) {
  unsigned __int128 v = 0;
  for (char c : uid.substr(5)) v = v * 10 + unsigned(c - '0');
  return v;
}
unsigned uuidVersion(unsigned __int128 v) { return unsigned(v >> 76) & 0xF; }
unsigned uuidVariant(unsigned __int128 v) { return unsigned(v >> 62) & 0x3; }
}  // namespace

TEST(DicomUid, RandomAndDerivedUidsAreUuidsOfTheirVersion) {
  // RFC 9562: random UIDs are version 4, UIDs derived from a name version 8 (SHA-256), both variant 0b10.
  UidGenerator uids;
  for (int i = 0; i < 50; ++i) {
    const unsigned __int128 random = uuidOf(uids.next());
    EXPECT_EQ(uuidVersion(random), 4u);
    EXPECT_EQ(uuidVariant(random), 2u);
  }
  const std::string a = uids.derive("series|fbp"), b = uids.derive("series|tv");
  EXPECT_EQ(a, uids.derive("series|fbp"));
  EXPECT_NE(a, b);
  EXPECT_TRUE(isValidUid(a));
  EXPECT_EQ(uuidVersion(uuidOf(a)), 8u);
  EXPECT_EQ(uuidVariant(uuidOf(b)), 2u);
  // Under a site's own root: still a function of the name, valid and at most 64 characters.
  const UidGenerator site("1.2.826.0.1.3680043.10.999.12345.678");
  const std::string own = site.derive("series|fbp");
  EXPECT_EQ(own, site.derive("series|fbp"));
  EXPECT_TRUE(isValidUid(own));
  EXPECT_EQ(own.size(), 64u);
  EXPECT_EQ(own.rfind("1.2.826.0.1.3680043.10.999.12345.678.", 0), 0u);
}

TEST_F(DicomExport, SrCarriesOneQualitativeEvaluationPerCertificate) {
  torch::Tensor image;
  const ExportedMethod files = exportCtSmall(ExportOptions{}, image);
  const std::string sr = bytesOf(files.sr.path);
  EXPECT_NE(sr.find("126000"), std::string::npos);  // Imaging Measurement Report
  EXPECT_NE(sr.find(files.ct.sopInstanceUid), std::string::npos);
  const size_t groups = occurrences(sr, "125007");
  EXPECT_GE(groups, 3u);  // box, fidelity, total variation (FBP has no iterate residual)
  // One qualitative evaluation per certificate, and the overall verdict's.
  EXPECT_EQ(occurrences(sr, "111237") + occurrences(sr, "111236") + occurrences(sr, "111235"), groups + 1);
  EXPECT_NE(sr.find("99TRUSTCT"), std::string::npos);
}

TEST_F(DicomExport, SrStatesTheOverallVerdictAndTheCalibrationItRestsOn) {
  torch::Tensor image;
  const ExportedMethod files = exportCtSmall(ExportOptions{}, image);
  const ReconstructionInput in = loadReconstructionInput(kData + "CT_small.dcm", *env.op, InputOptions{});
  const CertificateReport report = certify(image, in.sinogram);
  ASSERT_FALSE(report.calibration.empty());
  const std::string sr = bytesOf(files.sr.path);
  EXPECT_NE(sr.find("Overall trustworthiness verdict"), std::string::npos);
  EXPECT_NE(sr.find(qualityCode(report.overall).value), std::string::npos);
  EXPECT_NE(sr.find("TrustCT: " + verdictText(report.overall)), std::string::npos);
  EXPECT_NE(sr.find("calibration " + report.calibration + ", made with fbp"), std::string::npos);
  // Each certificate's thresholds as numbers, as calibrated.
  EXPECT_GE(occurrences(sr, "WARNING-AT"), 1u);
  const Certificate* fidelity = report.find("fidelity");
  ASSERT_NE(fidelity, nullptr);
  ASSERT_TRUE(std::isfinite(fidelity->failAt));
  EXPECT_NE(sr.find(dicomio::formatDecimal(fidelity->failAt)), std::string::npos);
  // And the JSON report names the same calibration and thresholds.
  const nlohmann::json j = report.toJson();
  EXPECT_EQ(j["calibration"]["fingerprint"], report.calibration);
  EXPECT_DOUBLE_EQ(j["certificates"][1]["fail_at"].get<double>(), report.certificates[1].failAt);
  const CertificateReport back = CertificateReport::fromJson(j);
  EXPECT_EQ(back.calibration, report.calibration);
  EXPECT_DOUBLE_EQ(back.certificates[1].warningAt, report.certificates[1].warningAt);
  EXPECT_EQ(back.certificates[1].extras.count("fail_at"), 0u);
}

// A property declares its own SR concept: a new one needs no change to the SR writer.
TEST_F(DicomExport, SrNamesEveryPropertyByTheConceptItDeclares) {
  struct Sharpness : FidelityProperty {  // evaluates as fidelity; its name and concept are its own
    std::string name() const override { return "sharpness"; }
    std::string title() const override { return "Sharpness"; }
    std::string srCode() const override { return "SHARP"; }
  };
  CertificateSuite suite = CertificateSuite::standard();
  suite.add(std::make_shared<Sharpness>());
  const Certifier uncalibrated(suite, CertificateCalibration{});  // every certificate reported, failing
  torch::Tensor image;
  const std::string sr = bytesOf(exportCtSmall(ExportOptions{}, image, nullptr, &uncalibrated).sr.path);
  EXPECT_NE(sr.find("SHARP"), std::string::npos);
  EXPECT_NE(sr.find("Certificate: Sharpness"), std::string::npos);
  EXPECT_NE(sr.find("Certificate: Total variation"), std::string::npos);
}

TEST_F(DicomExport, AnonymizedExportLeavesNoPatientData) {
  torch::Tensor image;
  ExportOptions anon;
  anon.anonymize = true;
  ExportStudy study;
  const ExportedMethod files = exportCtSmall(anon, image, &study);
  const CtSlice src = readDicomCt(kData + "CT_small.dcm").slices[0];
  for (const auto* f : {&files.ct, &files.sr}) {
    const std::string b = bytesOf(f->path);
    EXPECT_EQ(b.find(src.identity->patientName), std::string::npos) << f->path;
    EXPECT_EQ(b.find(src.identity->studyInstanceUid), std::string::npos) << f->path;
    EXPECT_EQ(b.find(src.identity->sopInstanceUid), std::string::npos) << f->path;
    EXPECT_NE(b.find("ANONYMOUS"), std::string::npos);
  }
  EXPECT_TRUE(study.anonymized);
  EXPECT_EQ(study.note.find(src.identity->patientName), std::string::npos);
}

TEST_F(DicomExport, SinogramInputGetsAPlaceholderStudyAndFailuresAKeyObject) {
  const torch::Tensor phantom = torch::zeros({128, 128});
  GridImage grid;
  grid.source = "measured.npy";
  grid.placement = GridPlacement::centred(128, 2.03125);
  UidGenerator uids;
  const ExportStudy study = ExportStudy::from(grid, ExportOptions{}, uids);
  EXPECT_TRUE(study.placeholder);
  EXPECT_NE(study.note.find("placeholder"), std::string::npos);
  CertifiedDicomExporter exporter(grid.placement, study, ExportOptions{});
  CertificateReport failing;
  failing.method = "fbp";
  failing.certificates.push_back({"fidelity", 3.0, 1.0, Label::Fail, {}});
  failing.overall = Label::Fail;
  const ExportedMethod files = exporter.write(AlgorithmInfo::of(*fbp, nullptr), phantom, failing, "test", dir.string(), 9001);
  ASSERT_TRUE(files.keyObject.has_value());
  const std::string kos = bytesOf(files.keyObject->path);
  EXPECT_NE(kos.find("113001"), std::string::npos);  // Rejected for Quality Reasons
  EXPECT_NE(kos.find(files.ct.sopInstanceUid), std::string::npos);
  EXPECT_NE(bytesOf(files.ct.path).find("TRUSTCT^PLACEHOLDER"), std::string::npos);
  EXPECT_NE(bytesOf(files.sr.path).find("111235"), std::string::npos);
  const CtSlice back = readDicomCt(files.ct.path).slices[0];
  EXPECT_NEAR(back.pixelSpacing[0], 2.03125, 1e-9);
  EXPECT_NEAR(back.at(0, 0), -1000.0, 0.5);
}
