#include "certs/CertificateExplanation.h"

#include <algorithm>
#include <cmath>

namespace trustct {
namespace {

// Who the value is compared with, as the calibration's source says (CertificateProperty::Source).
std::string reference(const PropertyCalibration& cal) {
  if (cal.source.rfind("inference:", 0) == 0) return "this model's reconstructions of the calibration images";
  return "correct images";
}

std::string percent(double fraction) {
  const int p = static_cast<int>(std::floor(100 * std::clamp(fraction, 0.0, 1.0) + 1e-9));
  return std::to_string(p) + " %";
}

}  // namespace

PlainExplanation explainPlainly(const Certificate& c, const CertificateProperty& property, const PropertyCalibration* cal) {
  if (c.basis == "invalid image")
    return {"The image is blank or contains values that are not numbers, so no certificate can vouch for it.",
            "Do not use it: reconstruct again or read another method's image."};
  if (c.basis == "uncalibrated" || !cal)
    return {"No calibration covers " + property.title() + " for this model, so nothing vouches for it.",
            "Calibrate the model (Tools > Train and calibrate, or trustct-cli calibrate) before relying on the image."};
  if (c.basis == "tolerance") {
    if (c.label == Label::Pass)
      return {"The solver reached its own stopping tolerance: the image is the settled result of the iteration.",
              "Nothing to do."};
    return {"The solver stopped at its iteration cap before it settled, so the image could still change.", property.advice()};
  }
  if (cal->exactTolerance >= 0 && c.value <= cal->exactTolerance && c.label == Label::Pass)
    return {"The image satisfies " + property.title() + " exactly.", "Nothing to do."};
  const std::string who = reference(*cal);
  switch (c.label) {
    case Label::Pass:
      return {"Within the range of " + who + ": " + percent(1 - c.cdf) + " of them score at least as high on " +
                  property.title() + ".",
              "Nothing to do."};
    case Label::Warning:
      return {"Borderline: the image " + property.finding() + " than " + percent(c.cdf) + " of " + who + " do.",
              property.advice()};
    case Label::Fail: break;
  }
  // Above every calibration value: say so with their number rather than "100 %".
  const std::string share = c.cdf >= 1 ? "all " + std::to_string(cal->values.size()) + " " : percent(c.cdf) + " of ";
  return {"The image " + property.finding() + " than " + share + who + " do.", property.advice()};
}

VerdictExplanation explainVerdict(const CertificateReport& report, const std::string& methodName,
                                  const CertificateSuite& suite, const CertificateCalibration& calibration) {
  VerdictExplanation out;
  for (Label label : {Label::Fail, Label::Warning})
    for (const Certificate& c : report.certificates)
      if (c.label == label)
        if (const CertificateProperty* p = suite.find(c.property))
          out.decisive.push_back({c.property, explainPlainly(c, *p, calibration.find(c.property))});
  const std::string& method = methodName;
  switch (report.overall) {
    case Label::Pass:
      out.sentence = "Every certificate of the " + method + " reconstruction passes: it behaves like the correct images "
                     "it was calibrated on.";
      break;
    case Label::Warning:
      out.sentence = "The " + method + " reconstruction is borderline on " + std::to_string(out.decisive.size()) +
                     (out.decisive.size() == 1 ? " certificate" : " certificates") + " and fails none: check it before relying on it.";
      break;
    case Label::Fail: {
      const auto fails = std::count_if(report.certificates.begin(), report.certificates.end(),
                                       [](const Certificate& c) { return c.label == Label::Fail; });
      out.sentence = "Do not trust the " + method + " reconstruction without checking: " + std::to_string(fails) +
                     (fails == 1 ? " certificate fails." : " certificates fail.");
      break;
    }
  }
  return out;
}

}  // namespace trustct
