#pragma once
// A certificate in plain words for the reader of the image (the explanation dialog, the overall verdict):
// one sentence that says what was found against what, then what to do. The numbers behind it stay in
// the dialog's table; these words only restate them.
#include <string>
#include <vector>

#include "certs/Certificate.h"
#include "certs/CertificateCalibration.h"
#include "certs/CertificateProperty.h"

namespace trustct {

struct PlainExplanation {
  std::string sentence;  // "The image disagrees more with the measured data than 97 % of correct images do."
  std::string advice;    // what to do about it ("Nothing to do." when it passes)
};

// `calibration` may be null (the property was not calibrated).
PlainExplanation explainPlainly(const Certificate& certificate, const CertificateProperty& property,
                                const PropertyCalibration* calibration);

// The overall verdict: one sentence, and the certificates that decided it (failing ones first, then
// warnings), each with its own plain sentence.
struct VerdictExplanation {
  std::string sentence;
  std::vector<std::pair<std::string, PlainExplanation>> decisive;  // property name → explanation
};
VerdictExplanation explainVerdict(const CertificateReport& report, const std::string& methodName,
                                  const CertificateSuite& suite, const CertificateCalibration& calibration);

}  // namespace trustct
