#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "certs/CertificateCalibration.h"
#include "certs/Certifier.h"
#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"

using namespace trustct;

namespace {
PropertyCalibration twenty(double pPass = 0.95, double pFail = 0.05) {
  PropertyCalibration c;
  for (int i = 1; i <= 20; ++i) c.values.push_back(i);  // F(v) = floor(v)/20 on [1, 20]
  c.pPass = pPass;
  c.pFail = pFail;
  return c;
}
}  // namespace

TEST(Calibration, EmpiricalCdfCountsValuesAtOrBelow) {
  const PropertyCalibration c = twenty();
  EXPECT_DOUBLE_EQ(c.cdf(0.5), 0.0);
  EXPECT_DOUBLE_EQ(c.cdf(1.0), 0.05);
  EXPECT_DOUBLE_EQ(c.cdf(18.999), 0.9);
  EXPECT_DOUBLE_EQ(c.cdf(19.0), 0.95);
  EXPECT_DOUBLE_EQ(c.cdf(100), 1.0);
}

TEST(Calibration, LabelsAtTheExactThresholds) {
  // CT setting p_pass = 0.95, p_fail = 0.05: pass below F = 0.95, fail from there on, no warning band.
  const PropertyCalibration ct = twenty();
  EXPECT_EQ(ct.label(18.999), Label::Pass);  // F = 0.90
  EXPECT_EQ(ct.label(19.0), Label::Fail);    // F = 0.95 exactly: not < p_pass, not < 1 − p_fail
  EXPECT_DOUBLE_EQ(ct.warningThreshold(), 19.0);
  EXPECT_DOUBLE_EQ(ct.failThreshold(), 19.0);
  // With a warning band: p_pass = 0.8, p_fail = 0.1 → pass F < 0.8, warning 0.8 ≤ F < 0.9, fail F ≥ 0.9.
  const PropertyCalibration band = twenty(0.8, 0.1);
  EXPECT_EQ(band.label(15.99), Label::Pass);     // F = 0.75
  EXPECT_EQ(band.label(16.0), Label::Warning);   // F = 0.80 exactly
  EXPECT_EQ(band.label(17.99), Label::Warning);  // F = 0.85
  EXPECT_EQ(band.label(18.0), Label::Fail);      // F = 0.90 exactly
  EXPECT_EQ(band.label(std::nan("")), Label::Fail);
}

TEST(Calibration, ExactlySatisfiedConstraintsPass) {
  PropertyCalibration box;
  box.values.assign(50, 0.0);
  box.exactTolerance = 1e-6;
  EXPECT_EQ(box.label(0.0), Label::Pass);
  EXPECT_EQ(box.label(0.01), Label::Fail);
  // The thresholds say so: everything above the tolerance fails (no "fail from none").
  const double fail = box.failThreshold();
  EXPECT_TRUE(std::isfinite(fail));
  EXPECT_GT(fail, 1e-6);
  EXPECT_LT(fail, 1.0000001e-6);
  EXPECT_EQ(box.label(fail), Label::Fail);
  EXPECT_EQ(box.label(1e-6), Label::Pass);
}

// A calibration of fidelity alone, bound to `g` and model "tv" with fingerprint "abc".
CertificateCalibration fidelityCalibration(const Geometry& g) {
  CertificateCalibration cal;
  cal.geometry = g.toJson();
  cal.geometryFingerprint = g.fingerprint();
  cal.modelId = "tv";
  cal.modelFingerprint = "abc";
  cal.properties["fidelity"] = twenty();
  return cal;
}

TEST(Calibration, JsonRoundTripAndMismatchRefusal) {
  const Geometry g = Geometry::paperDefault();
  CertificateCalibration cal = fidelityCalibration(g);
  cal.properties["fidelity"].source = "ground_truth";
  const std::string path = (std::filesystem::temp_directory_path() / "trustct_cal_test.json").string();
  cal.save(path);
  const CertificateCalibration back = CertificateCalibration::load(path);
  EXPECT_EQ(back.find("fidelity")->values, cal.properties["fidelity"].values);
  EXPECT_EQ(back.find("fidelity")->source, "ground_truth");
  EXPECT_NO_THROW(back.requireCompatible(g, "tv", "abc", path));
  Geometry other = g;
  other.numAngles = 60;
  try {
    back.requireCompatible(other, "tv", "abc", path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("another geometry"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  try {
    back.requireCompatible(g, "scale-l2o", "abc", path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model 'tv'"), std::string::npos);
  }
  std::filesystem::remove(path);
  EXPECT_THROW(CertificateCalibration::load(path), InputError);
}

// Defect 2 of the hardening issue: an edited calibration must not certify.
TEST(Calibration, AnEditedOrUnsealedFileIsRefusedAndTheGeometryItSaysMustMatch) {
  const Geometry g = Geometry::paperDefault();
  CertificateCalibration cal = fidelityCalibration(g);
  std::reverse(cal.properties["fidelity"].values.begin(), cal.properties["fidelity"].values.end());  // unsorted is fine
  const std::string path = (std::filesystem::temp_directory_path() / ("trustct_cal_seal_" + std::to_string(::getpid()) + ".json")).string();
  cal.save(path);
  EXPECT_NO_THROW(CertificateCalibration::load(path));
  nlohmann::json j;
  std::ifstream(path) >> j;
  const auto rewrite = [&](const nlohmann::json& content) { std::ofstream(path) << content.dump(1); };
  const auto refusedWith = [&](const std::string& fragment) {
    try {
      CertificateCalibration::load(path);
      return false;
    } catch (const InputError& e) {
      return std::string(e.what()).find(fragment) != std::string::npos;
    }
  };
  nlohmann::json scaled = j;  // every value ×1e6: everything would pass
  for (auto& v : scaled["properties"]["fidelity"]["values"]) v = v.get<double>() * 1e6;
  rewrite(scaled);
  EXPECT_TRUE(refusedWith("checksum does not match"));
  nlohmann::json unsealed = j;
  unsealed.erase("sha256");
  rewrite(unsealed);
  EXPECT_TRUE(refusedWith("has no checksum"));
  // A geometry object that is not the one its fingerprint names (sealed, so only the comparison catches it).
  cal.geometry["num_angles"] = 60;
  cal.save(path);
  EXPECT_THROW(CertificateCalibration::load(path).requireCompatible(g, "tv", "abc", path), InputError);
  std::filesystem::remove(path);
}

TEST(Certifier, ReportsEveryApplicablePropertyAndTheWorstLabel) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  CertificateCalibration cal;
  cal.properties["box"] = PropertyCalibration{"ground_truth", std::vector<double>(20, 0.0), 0.95, 0.05, 1e-6};
  cal.properties["fidelity"] = PropertyCalibration{"ground_truth", {0.01, 0.02, 0.03}, 0.95, 0.05, -1};
  cal.properties["iterate_residual"] = twenty();
  Certifier certifier(CertificateSuite::standard(), cal);
  torch::Tensor x = torch::full({128, 128}, 0.5);
  x[0][0] = 1.5;  // one pixel outside the box
  x[0][1] = -0.5 * BoxConstraintProperty::kSlack;  // one within a grey level of it: not counted
  const torch::Tensor d = op->forward(x.unsqueeze(0))[0];
  const CertificateReport r = certifier.certify("fbp", {x, d, op.get(), std::nullopt});
  ASSERT_EQ(r.certificates.size(), 3u);  // no iterate residual for a direct method
  // Total variation has no calibration values: reported as failed, never left out.
  EXPECT_EQ(r.find("total_variation")->label, Label::Fail);
  EXPECT_EQ(r.find("total_variation")->basis, "uncalibrated");
  EXPECT_EQ(r.find("box")->label, Label::Fail);
  EXPECT_NEAR(r.find("box")->value, 0.5 - BoxConstraintProperty::kSlack, 1e-6);
  EXPECT_NEAR(r.find("box")->extras.at("percent_outside"), 100.0 / 16384, 1e-9);
  EXPECT_EQ(r.find("fidelity")->label, Label::Pass);
  EXPECT_EQ(r.overall, Label::Fail);
  const nlohmann::json j = r.toJson();
  EXPECT_EQ(j["overall"], "fail");
  EXPECT_EQ(j["certificates"][0]["property"], "box");
  EXPECT_EQ(CertificateReport::fromJson(j).find("box")->label, Label::Fail);
}

TEST(Certifier, ConvergenceIsJudgedByTheSolversToleranceNotTheCalibration) {
  // Calibrated on runs that stopped at their cap (residuals 1…20), a residual of 0.5 sits below every
  // calibration value: the CDF would pass it. Only the solver's tolerance decides.
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  CertificateCalibration cal;
  cal.properties["iterate_residual"] = twenty();
  Certifier certifier(CertificateSuite::standard(), cal);
  torch::Tensor x = torch::full({128, 128}, 0.5);
  x[64][64] = 0.6;  // not blank (a blank image fails everything)
  const torch::Tensor d = op->forward(x.unsqueeze(0))[0];
  const CertificateReport stopped = certifier.certify("tv", {x, d, op.get(), 0.5, false});
  ASSERT_NE(stopped.find("iterate_residual"), nullptr);
  EXPECT_EQ(stopped.find("iterate_residual")->cdf, 0.0);
  EXPECT_EQ(stopped.find("iterate_residual")->label, Label::Fail);
  const CertificateReport settled = certifier.certify("tv", {x, d, op.get(), 25.0, true});
  EXPECT_EQ(settled.find("iterate_residual")->label, Label::Pass);  // a CDF of 1 notwithstanding
  const nlohmann::json j = stopped.toJson();
  for (const auto& c : j["certificates"])
    EXPECT_EQ(c["basis"], c["property"] == "iterate_residual" ? "tolerance" : "uncalibrated") << c.dump();
  EXPECT_EQ(CertificateReport::fromJson(j).find("iterate_residual")->basis, "tolerance");
  // Not a number is never a pass, converged or not.
  const CertificateReport broken = certifier.certify("tv", {x, d, op.get(), std::nan(""), true});
  EXPECT_EQ(broken.find("iterate_residual")->label, Label::Fail);
}

TEST(Certifier, RefusesACalibrationThatLeavesOutAProperty) {
  const ReconstructionEnvironment env = ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, resourceDir());
  const std::string shipped = Certifier::defaultCalibrationPath(env);
  ASSERT_NO_THROW(Certifier::load(shipped, env));
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("trustct_cal_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const std::vector<std::string>& dropped : {std::vector<std::string>{"total_variation"},
                                                  std::vector<std::string>{"box", "fidelity", "total_variation", "iterate_residual"}}) {
    CertificateCalibration cal = CertificateCalibration::load(shipped);
    for (const std::string& name : dropped) cal.properties.erase(name);
    const std::string path = (dir / "partial.json").string();
    cal.save(path);
    try {
      Certifier::load(path, env);
      ADD_FAILURE() << "a calibration without " << dropped.size() << " propert(ies) was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("partial.json"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("no values for property"), std::string::npos) << e.what();
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(Certifier, NothingPassesOnABlankOrNonFiniteImage) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  CertificateCalibration cal;
  cal.properties["box"] = PropertyCalibration{"ground_truth", std::vector<double>(20, 0.0), 0.95, 0.05, 1e-6};
  cal.properties["fidelity"] = twenty();
  cal.properties["total_variation"] = twenty();
  Certifier certifier(CertificateSuite::standard(), cal);
  torch::Tensor x = torch::full({128, 128}, 0.5);
  const torch::Tensor d = op->forward(x.unsqueeze(0))[0];
  // With every value inside the calibration, a genuine image passes...
  x[64][64] = 0.6;
  ASSERT_EQ(certifier.certify("fbp", {x, d, op.get(), std::nullopt}).find("box")->label, Label::Pass);
  // ...a blank one (what a NaN in a min/max rescale produced) and one with a NaN pixel never do.
  torch::Tensor nan = x.clone();
  nan[3][3] = std::nan("");
  for (const torch::Tensor& bad : {torch::zeros({128, 128}), nan}) {
    const CertificateReport r = certifier.certify("fbp", {bad, d, op.get(), std::nullopt});
    ASSERT_EQ(r.certificates.size(), 3u);
    for (const Certificate& c : r.certificates) {
      EXPECT_EQ(c.label, Label::Fail) << c.property;
      EXPECT_EQ(c.basis, "invalid image") << c.property;
    }
    EXPECT_EQ(r.overall, Label::Fail);
  }
}
