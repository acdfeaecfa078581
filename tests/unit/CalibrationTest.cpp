#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "certs/CertificateCalibration.h"
#include "certs/Certifier.h"
#include "recon/Errors.h"

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
}

TEST(Calibration, JsonRoundTripAndMismatchRefusal) {
  CertificateCalibration cal;
  const Geometry g = Geometry::paperDefault();
  cal.geometry = g.toJson();
  cal.geometryFingerprint = g.fingerprint();
  cal.modelId = "tv";
  cal.modelFingerprint = "abc";
  cal.properties["fidelity"] = twenty();
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

TEST(Certifier, ReportsEveryApplicablePropertyAndTheWorstLabel) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  CertificateCalibration cal;
  cal.properties["box"] = PropertyCalibration{"ground_truth", std::vector<double>(20, 0.0), 0.95, 0.05, 1e-6};
  cal.properties["fidelity"] = PropertyCalibration{"ground_truth", {0.01, 0.02, 0.03}, 0.95, 0.05, -1};
  cal.properties["iterate_residual"] = twenty();
  Certifier certifier(CertificateSuite::standard(), cal);
  torch::Tensor x = torch::full({128, 128}, 0.5);
  x[0][0] = 1.5;  // one pixel outside the box
  const torch::Tensor d = op->forward(x.unsqueeze(0))[0];
  const CertificateReport r = certifier.certify("fbp", {x, d, op.get(), std::nullopt});
  ASSERT_EQ(r.certificates.size(), 2u);  // no iterate residual for a direct method, no TV calibration
  EXPECT_EQ(r.find("box")->label, Label::Fail);
  EXPECT_NEAR(r.find("box")->value, 0.5, 1e-6);
  EXPECT_NEAR(r.find("box")->extras.at("percent_outside"), 100.0 / 16384, 1e-9);
  EXPECT_EQ(r.find("fidelity")->label, Label::Pass);
  EXPECT_EQ(r.overall, Label::Fail);
  const nlohmann::json j = r.toJson();
  EXPECT_EQ(j["overall"], "fail");
  EXPECT_EQ(j["certificates"][0]["property"], "box");
  EXPECT_EQ(CertificateReport::fromJson(j).find("box")->label, Label::Fail);
}
