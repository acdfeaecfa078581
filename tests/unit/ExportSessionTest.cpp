// ExportSession: the certified export GUI and CLI share — one study, series 9001, 9011, … in the order
// written, and the files name the AlgorithmInfo the result carries, never a method looked up again.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <unistd.h>

#include "certs/Certifier.h"
#include "certs/dicom/ExportSession.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/io/ReconstructionInput.h"
#include "recon/methods/FbpMethod.h"
#include "recon/methods/TvMin.h"

using namespace trustct;
namespace fs = std::filesystem;

namespace {
std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string attribute(const std::string& path, const DcmTagKey& tag) {
  DcmFileFormat file;
  if (file.loadFile(path.c_str()).bad()) return "<unreadable>";
  OFString value;
  file.getDataset()->findAndGetOFStringArray(tag, value);
  return value.c_str();
}

class ExportSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env = ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, "");
    in = loadReconstructionInput(std::string(TRUSTCT_TEST_DATA) + "/dicom/CT_small.dcm", *env.op, InputOptions{});
    CertificateCalibration cal;
    cal.modelId = "fbp";
    for (const char* p : {"box", "fidelity", "total_variation"}) {
      PropertyCalibration& c = cal.properties[p];
      for (int i = 0; i < 20; ++i) c.values.push_back(std::pow(10.0, 6.0 * i / 19 - 3));  // 1e-3 … 1e3
    }
    certifier.emplace(CertificateSuite::standard(), cal);
    dir = fs::temp_directory_path() / ("trustct_session_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  CertifiedResult reconstruct(const ReconstructionMethod& method) const {
    JobContext ctx("test");
    return CertifiedReconstruction(method, &*certifier, *env.op).run(in.sinogram.unsqueeze(0), {}, ctx).at(0);
  }

  ReconstructionEnvironment env;
  ReconstructionInput in;
  std::optional<Certifier> certifier;
  fs::path dir;
};
}  // namespace

TEST_F(ExportSessionTest, FilesEveryResultInOneStudyWithSeriesNumbersInWritingOrder) {
  const FbpMethod fbp(env);
  TvMinMethod tv(env);
  tv.setMaxIterations(3);
  ExportSession session(in.grid, in.description, ExportOptions{});
  const ExportedMethod first = session.write(reconstruct(fbp), dir.string());
  const ExportedMethod second = session.write(reconstruct(tv), dir.string());
  session.commit();
  EXPECT_EQ(first.ct.path, (dir / "fbp_ct.dcm").string());
  EXPECT_EQ(second.sr.path, (dir / "tv_sr.dcm").string());
  EXPECT_EQ(attribute(first.ct.path, DCM_SeriesNumber), "9001");
  EXPECT_EQ(attribute(first.sr.path, DCM_SeriesNumber), "9002");
  EXPECT_EQ(attribute(second.ct.path, DCM_SeriesNumber), "9011");
  EXPECT_EQ(attribute(second.sr.path, DCM_SeriesNumber), "9012");
  for (const std::string& f : {first.ct.path, first.sr.path, second.ct.path, second.sr.path})
    EXPECT_EQ(attribute(f, DCM_StudyInstanceUID), session.study().identity.studyInstanceUid) << f;
  EXPECT_EQ(session.study().identity.studyInstanceUid, in.grid.identity->studyInstanceUid);  // the source's study
  const std::string derivation = attribute(second.ct.path, DCM_DerivationDescription);
  EXPECT_NE(derivation.find("TV-Min"), std::string::npos) << derivation;
  EXPECT_NE(derivation.find(in.description), std::string::npos) << derivation;
}

TEST_F(ExportSessionTest, FilesNameTheAlgorithmInfoTheResultCarries) {
  const FbpMethod fbp(env);
  CertifiedResult result = reconstruct(fbp);
  // As if the method had been other weights when it ran: the export must say so, not ask the method again.
  result.algorithm.fingerprint = "0123456789abcdef";
  result.algorithm.name = "FBP (as run)";
  ExportSession session(in.grid, in.description, ExportOptions{});
  const ExportedMethod files = session.write(result, dir.string());
  session.commit();
  const std::string sr = bytesOf(files.sr.path);
  EXPECT_NE(sr.find("reconstruction fbp (0123456789abcdef)"), std::string::npos);
  EXPECT_EQ(sr.find(fbp.fingerprint()), std::string::npos);
  EXPECT_NE(sr.find("calibration " + certifier->calibration().fingerprint()), std::string::npos);
  EXPECT_NE(attribute(files.ct.path, DCM_SoftwareVersions).find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(attribute(files.ct.path, DCM_SeriesDescription).find("FBP (as run)"), std::string::npos);
}

TEST_F(ExportSessionTest, ExportingTheSameReconstructionAgainKeepsItsUids) {
  // A re-export or re-send replaces the earlier copy in a PACS instead of duplicating it: the UIDs are
  // derived from the source instance, the method, its weights and calibration, and the stored pixels.
  const FbpMethod fbp(env);
  const CertifiedResult result = reconstruct(fbp);
  const auto uidsOf = [&](const ExportOptions& options, const CertifiedResult& r, const std::string& sub) {
    ExportSession session(in.grid, in.description, options);
    const ExportedMethod f = session.write(r, (dir / sub).string());
    session.commit();
    return std::vector<std::string>{f.ct.seriesInstanceUid, f.ct.sopInstanceUid, f.sr.seriesInstanceUid,
                                    f.sr.sopInstanceUid, attribute(f.ct.path, DCM_FrameOfReferenceUID)};
  };
  const auto first = uidsOf(ExportOptions{}, result, "a"), again = uidsOf(ExportOptions{}, result, "b");
  EXPECT_EQ(first, again);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end() - 1).size(), 4u);  // four distinct UIDs
  // Other weights: another series; another image from the same weights: the same series, a new instance.
  CertifiedResult otherWeights = result;
  otherWeights.algorithm.fingerprint = "0123456789abcdef";
  const auto other = uidsOf(ExportOptions{}, otherWeights, "c");
  EXPECT_NE(other[0], first[0]);
  EXPECT_NE(other[1], first[1]);
  CertifiedResult otherImage = result;
  otherImage.image = result.image.clone();
  otherImage.image[0][0] += 0.5f;
  const auto changed = uidsOf(ExportOptions{}, otherImage, "d");
  EXPECT_EQ(changed[0], first[0]);
  EXPECT_NE(changed[1], first[1]);
  // Anonymised exports stay random: a UID derived from the source's would link back to it.
  ExportOptions anonymous;
  anonymous.anonymize = true;
  EXPECT_NE(uidsOf(anonymous, result, "e")[1], uidsOf(anonymous, result, "f")[1]);
}

TEST_F(ExportSessionTest, AnExportAppearsWholeOrNotAtAll) {
  // Nothing is visible before the commit; a session that fails or ends uncommitted leaves the folder as
  // it was; an export whose method now passes removes the earlier failing one's KOS.
  const FbpMethod fbp(env);
  const auto visible = [&] {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))  // staged temporaries and the lock are hidden files
      if (e.path().filename().string()[0] != '.') names.insert(e.path().filename().string());
    return names;
  };
  CertifiedResult failing = reconstruct(fbp);
  failing.report->overall = Label::Fail;
  {
    ExportSession session(in.grid, in.description, ExportOptions{});
    session.write(failing, dir.string());
    session.addManifest(dir.string(), nlohmann::json::object());
    EXPECT_TRUE(visible().empty());
    session.commit();
    EXPECT_FALSE(fs::exists(dir / ".trustct-commit"));
  }
  EXPECT_EQ(visible(), (std::set<std::string>{"export.json", "fbp_ct.dcm", "fbp_kos.dcm", "fbp_sr.dcm"}));
  const std::string before = bytesOf(dir / "fbp_ct.dcm");
  {
    ExportSession abandoned(in.grid, in.description, ExportOptions{});
    CertifiedResult other = reconstruct(fbp);
    other.image = other.image * 0.5;
    abandoned.write(other, dir.string());
    CertifiedResult uncertified = other;
    uncertified.report.reset();
    EXPECT_THROW(abandoned.write(uncertified, dir.string()), InputError);
  }  // ends without commit: its staged files are gone, the earlier export untouched
  EXPECT_EQ(visible(), (std::set<std::string>{"export.json", "fbp_ct.dcm", "fbp_kos.dcm", "fbp_sr.dcm"}));
  EXPECT_EQ(bytesOf(dir / "fbp_ct.dcm"), before);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_NE(e.path().filename().string().rfind(".tmp-", 0), 0u) << "left behind: " << e.path();
  CertifiedResult passing = reconstruct(fbp);
  passing.report->overall = Label::Pass;
  ExportSession again(in.grid, in.description, ExportOptions{});
  again.write(passing, dir.string());
  again.commit();
  // Its manifest would have described the replaced files: an export without one removes it.
  EXPECT_EQ(visible(), (std::set<std::string>{"fbp_ct.dcm", "fbp_sr.dcm"}));
}

TEST_F(ExportSessionTest, FilesThatNoLongerMatchTheirManifestAreNeverSent) {
  // Hardening issue, defect 6: a set torn by a crash (an SR beside a CT it does not reference) was sent
  // with exit 0. The manifest lists every file's SHA-256; send checks each file it is given against it.
  const FbpMethod fbp(env);
  CertifiedResult failing = reconstruct(fbp);
  failing.report->overall = Label::Fail;
  ExportSession session(in.grid, in.description, ExportOptions{});
  session.write(failing, dir.string());
  session.addManifest(dir.string(), {{"input", "test"}});
  session.commit();
  const nlohmann::json manifest = nlohmann::json::parse(bytesOf(dir / kExportManifest));
  EXPECT_EQ(manifest.at("input"), "test");
  EXPECT_EQ(manifest.at("files").size(), 3u);  // CT, SR, KOS; not the manifest itself
  std::vector<std::string> files;
  for (const char* name : {"fbp_ct.dcm", "fbp_sr.dcm", "fbp_kos.dcm"}) files.push_back((dir / name).string());
  EXPECT_NO_THROW(requireFilesMatchExportManifest(files));
  const auto refusal = [](const std::vector<std::string>& f) {
    try {
      requireFilesMatchExportManifest(f);
      return std::string("(accepted)");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
  };
  fs::copy_file(dir / "fbp_sr.dcm", dir / "old_sr.dcm");  // a file an earlier export left
  EXPECT_NE(refusal({(dir / "old_sr.dcm").string()}).find("not part of its export"), std::string::npos);
  { std::ofstream(dir / "fbp_sr.dcm", std::ios::app) << "x"; }  // changed after export
  const std::string changed = refusal(files);
  EXPECT_NE(changed.find("does not match the SHA-256"), std::string::npos) << changed;
  EXPECT_NE(changed.find("fbp_sr.dcm"), std::string::npos) << changed;
  // Files outside an export folder are not an export's: nothing to check.
  fs::remove(dir / kExportManifest);
  EXPECT_EQ(refusal(files), "(accepted)");
}

TEST_F(ExportSessionTest, TwoExportsNeverShareAFolder) {
  // Interleaved exports would file one patient's CT beside another's SR: the second one is refused,
  // naming the folder, and may write there once the first has ended.
  const FbpMethod fbp(env);
  const CertifiedResult result = reconstruct(fbp);
  auto first = std::make_unique<ExportSession>(in.grid, in.description, ExportOptions{});
  first->write(result, dir.string());
  ExportSession second(in.grid, in.description, ExportOptions{});
  try {
    second.write(result, (dir / ".").string());
    ADD_FAILURE() << "a second export wrote into a folder in use";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another export is writing into this folder"), std::string::npos) << e.what();
  }
  first->write(result, dir.string());  // the session keeps its folder for its next results
  first.reset();
  EXPECT_NO_THROW(second.write(result, dir.string()));
}

TEST_F(ExportSessionTest, AnonymisedFilesNameNoSourceFile) {
  // The input's description names the source file (a name may carry patient data): an anonymised export
  // says only what kind of input it was.
  ASSERT_NE(in.description.find("CT_small"), std::string::npos);
  ExportOptions anonymous;
  anonymous.anonymize = true;
  ExportSession session(in.grid, in.description, anonymous);
  EXPECT_EQ(session.inputDescription().find("CT_small"), std::string::npos);
  const ExportedMethod files = session.write(reconstruct(FbpMethod(env)), dir.string());
  session.commit();
  for (const std::string& f : {files.ct.path, files.sr.path}) {
    const std::string bytes = bytesOf(f);
    EXPECT_EQ(bytes.find("CT_small"), std::string::npos) << f;
    for (const std::string& datum : {in.grid.identity->patientId, in.grid.identity->patientName})
      if (!datum.empty()) EXPECT_EQ(bytes.find(datum), std::string::npos) << f << ": " << datum;
  }
}

TEST_F(ExportSessionTest, RefusesAResultWithoutCertificatesAndABadUidRoot) {
  const FbpMethod fbp(env);
  CertifiedResult uncertified = reconstruct(fbp);
  uncertified.report.reset();
  ExportSession session(in.grid, in.description, ExportOptions{});
  EXPECT_THROW(session.write(uncertified, dir.string()), InputError);
  EXPECT_TRUE(fs::is_empty(dir));
  ExportOptions bad;
  bad.uidRoot = "1.02.3";
  EXPECT_THROW(ExportSession(in.grid, in.description, bad), UsageError);
}
