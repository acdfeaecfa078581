// Plain-language explanations: every basis gets its own sentence, the percentile and the reference
// group are the calibration's, and the overall verdict lists what decided it.
#include <gtest/gtest.h>

#include "certs/CertificateExplanation.h"

using namespace trustct;

namespace {
PropertyCalibration groundTruthCalibration() {
  PropertyCalibration cal;
  cal.source = "ground_truth";
  for (int i = 1; i <= 100; ++i) cal.values.push_back(i);
  cal.pPass = 0.9;  // warning from the 90th percentile, fail from the 95th
  return cal;
}

Certificate labelled(const std::string& property, double value, const PropertyCalibration& cal) {
  Certificate c{property, value, cal.cdf(value), cal.label(value)};
  return c;
}
}  // namespace

TEST(CertificateExplanation, FailingFidelitySaysWhatAndAgainstWhom) {
  const PropertyCalibration cal = groundTruthCalibration();
  const FidelityProperty fidelity;
  const Certificate c = labelled("fidelity", 97.5, cal);
  ASSERT_EQ(c.label, Label::Fail);
  const PlainExplanation e = explainPlainly(c, fidelity, &cal);
  EXPECT_EQ(e.sentence, "The image disagrees more with the measured data than 97 % of correct images do.");
  EXPECT_EQ(e.advice, fidelity.advice());
  EXPECT_EQ(explainPlainly(labelled("fidelity", 500, cal), fidelity, &cal).sentence,
            "The image disagrees more with the measured data than all 100 correct images do.");
  // A warning is called borderline; a pass says nothing is unusual and asks nothing.
  const PlainExplanation warning = explainPlainly(labelled("fidelity", 92.5, cal), fidelity, &cal);
  EXPECT_EQ(warning.sentence.rfind("Borderline: the image disagrees more", 0), 0u) << warning.sentence;
  const PlainExplanation pass = explainPlainly(labelled("fidelity", 40, cal), fidelity, &cal);
  EXPECT_EQ(pass.sentence, "Within the range of correct images: 60 % of them score at least as high on Fidelity.");
  EXPECT_EQ(pass.advice, "Nothing to do.");
}

TEST(CertificateExplanation, EachBasisHasItsOwnSentence) {
  PropertyCalibration inference = groundTruthCalibration();
  inference.source = "inference:scale-l2o";
  const TotalVariationProperty tv;
  EXPECT_NE(explainPlainly(labelled("total_variation", 99.5, inference), tv, &inference)
                .sentence.find("this model's reconstructions of the calibration images"),
            std::string::npos);
  Certificate invalid = labelled("total_variation", 0, inference);
  invalid.basis = "invalid image";
  invalid.label = Label::Fail;
  EXPECT_NE(explainPlainly(invalid, tv, &inference).sentence.find("blank"), std::string::npos);
  Certificate uncalibrated{"total_variation", 3, 1, Label::Fail, {}, "uncalibrated"};
  EXPECT_NE(explainPlainly(uncalibrated, tv, nullptr).sentence.find("No calibration covers Total variation"),
            std::string::npos);
  const IterateResidualProperty residual;
  Certificate stopped{"iterate_residual", 0.01, 0.5, Label::Fail, {}, "tolerance"};
  EXPECT_NE(explainPlainly(stopped, residual, &inference).sentence.find("stopped at its iteration cap"), std::string::npos);
  stopped.label = Label::Pass;
  EXPECT_NE(explainPlainly(stopped, residual, &inference).sentence.find("reached its own stopping tolerance"),
            std::string::npos);
}

TEST(CertificateExplanation, VerdictListsFailuresBeforeWarnings) {
  CertificateCalibration calibration;
  calibration.properties["fidelity"] = groundTruthCalibration();
  calibration.properties["total_variation"] = groundTruthCalibration();
  calibration.properties["box"] = groundTruthCalibration();
  CertificateReport report;
  report.method = "tv";
  report.certificates = {labelled("box", 10, calibration.properties["box"]),
                         labelled("fidelity", 92.5, calibration.properties["fidelity"]),
                         labelled("total_variation", 99.5, calibration.properties["total_variation"])};
  report.overall = Label::Fail;
  const VerdictExplanation v = explainVerdict(report, "TV-Min", CertificateSuite::standard(), calibration);
  EXPECT_EQ(v.sentence, "Do not trust the TV-Min reconstruction without checking: 1 certificate fails.");
  ASSERT_EQ(v.decisive.size(), 2u);
  EXPECT_EQ(v.decisive[0].first, "total_variation");
  EXPECT_EQ(v.decisive[1].first, "fidelity");
  report.certificates.resize(1);
  report.overall = Label::Pass;
  EXPECT_TRUE(explainVerdict(report, "TV-Min", CertificateSuite::standard(), calibration).decisive.empty());
}
