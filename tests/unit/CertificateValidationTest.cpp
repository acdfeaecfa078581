// The validity suite's scoring (bad/good split, detection, false alarms, AUROC) and its perturbation families.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "certs/CertificateValidation.h"
#include "recon/geometry/RadonOperator.h"

using namespace trustct;

namespace {

ValidityObservation observation(const std::string& family, bool control, double psnr, double fidelity, Label label) {
  ValidityObservation o;
  o.family = family;
  o.inDistribution = control;
  o.psnr = psnr;
  Certificate c;
  c.property = "fidelity";
  c.value = fidelity;
  c.cdf = std::min(1.0, fidelity);
  c.label = label;
  o.report.certificates.push_back(c);
  o.report.overall = label;
  return o;
}

}  // namespace

TEST(CertificateValidity, BadIsThreeDbBelowTheControlMedianAndEachRateCountsWhatItSays) {
  std::vector<ValidityObservation> obs;
  // Controls: median 30 dB, so bad means below 27 dB; one control false alarm.
  obs.push_back(observation("control", true, 29, 0.1, Label::Pass));
  obs.push_back(observation("control", true, 30, 0.2, Label::Pass));
  obs.push_back(observation("control", true, 31, 0.9, Label::Fail));
  // A family with two bad images, one detected, and one good image without an alarm.
  obs.push_back(observation("noise-x3", false, 20, 0.95, Label::Fail));
  obs.push_back(observation("noise-x3", false, 26.9, 0.3, Label::Warning));
  obs.push_back(observation("noise-x3", false, 27.5, 0.4, Label::Pass));
  const MethodValidity v = scoreValidity(obs);
  EXPECT_DOUBLE_EQ(v.controlMedianPsnr, 30);
  EXPECT_DOUBLE_EQ(v.badBelowPsnr, 27);
  const DetectionPower& p = v.properties.at("overall");
  EXPECT_EQ(p.bad, 2);
  EXPECT_EQ(p.good, 4);
  EXPECT_EQ(p.goodInDistribution, 3);
  EXPECT_DOUBLE_EQ(p.detection(), 0.5);
  EXPECT_DOUBLE_EQ(p.falseAlarmRateInDistribution(), 1.0 / 3);
  EXPECT_DOUBLE_EQ(p.falseAlarmRate(), 1.0 / 4);
  // Fidelity values: bad {0.95, 0.3} against good {0.1, 0.2, 0.9, 0.4}: 0.95 beats all four, 0.3 beats two.
  EXPECT_DOUBLE_EQ(v.properties.at("fidelity").auroc, 6.0 / 8);
  ASSERT_EQ(v.families.size(), 2u);
  EXPECT_EQ(v.families[1].family, "noise-x3");
  EXPECT_EQ(v.families[1].bad, 2);
  EXPECT_EQ(v.families[1].detected, 1);
  // The ROC runs from (0, 0) to (1, 1).
  EXPECT_EQ(p.roc.front(), std::make_pair(0.0, 0.0));
  EXPECT_EQ(p.roc.back(), std::make_pair(1.0, 1.0));
}

TEST(CertificateValidity, TiesCountHalfANonFiniteValueIsTheMostSuspiciousAndNoBadImagesIsNotAPass) {
  std::vector<ValidityObservation> obs;
  obs.push_back(observation("control", true, 30, 0.5, Label::Pass));
  obs.push_back(observation("control", true, 30, 0.5, Label::Pass));
  obs.push_back(observation("x", false, 10, 0.5, Label::Pass));
  EXPECT_DOUBLE_EQ(scoreValidity(obs).properties.at("fidelity").auroc, 0.5);
  obs.back().report.certificates[0].value = std::nan("");
  EXPECT_DOUBLE_EQ(scoreValidity(obs).properties.at("fidelity").auroc, 1.0);
  obs.pop_back();
  const MethodValidity none = scoreValidity(obs);
  EXPECT_TRUE(std::isnan(none.properties.at("overall").detection()));
  EXPECT_TRUE(validityMarkdown({none}, {}).find("n/a (none)") != std::string::npos);
  EXPECT_TRUE(validityMarkdown({none}, {}).find("| no |") != std::string::npos);  // not "met" without evidence
  obs.clear();
  obs.push_back(observation("x", false, 10, 0.5, Label::Pass));
  EXPECT_THROW(scoreValidity(obs), std::invalid_argument);  // no controls, no threshold
}

TEST(CertificateValidity, FamiliesPerturbTheScanAsNamedAndAreReproducible) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const auto families = standardPerturbationFamilies(op, 2, 600000);
  std::map<std::string, const PerturbationFamily*> byName;
  for (const auto& f : families) byName[f.name] = &f;
  for (const char* name : {"control", "noise-x2", "noise-x3", "low-dose", "dead-bins", "miscalibrated-bins",
                           "centre-offset-1", "centre-offset-2", "centre-offset-3", "angle-offset", "flipped-detector",
                           "shepp-logan"})
    ASSERT_TRUE(byName.count(name)) << name;
  int controls = 0;
  for (const auto& f : families) controls += f.inDistribution ? 1 : 0;
  EXPECT_EQ(controls, 1);
  // Same seed, same data; faults differ from the clean scan where they should.
  const auto again = standardPerturbationFamilies(op, 2, 600000);
  for (size_t i = 0; i < families.size(); ++i)
    EXPECT_TRUE(torch::equal(families[i].data->get(1).sinogram, again[i].data->get(1).sinogram)) << families[i].name;
  const torch::Tensor dead = byName["dead-bins"]->data->get(0).sinogram;
  EXPECT_GE((dead.abs().sum(0) == 0).sum().item<int64_t>(), 2);  // two bins read 0 at every angle
  const torch::Tensor shifted = byName["centre-offset-3"]->data->get(0).sinogram;
  const int64_t zeroColumns = (shifted.abs().sum(0) == 0).sum().item<int64_t>();
  EXPECT_GE(zeroColumns, 3);
}
