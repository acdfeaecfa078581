#pragma once
// A trustworthiness certificate: (property, value ≥ 0, label) where small values are good and the
// label comes from the calibrated empirical CDF (XAI-L2O, "Trustworthiness certificates").
#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trustct {

enum class Label { Pass, Warning, Fail };
std::string labelName(Label l);     // pass, warning, fail
std::string verdictText(Label l);   // trustworthy, check, untrustworthy
Label parseLabel(const std::string& s);
Label worst(Label a, Label b);

struct Certificate {
  std::string property;   // box, fidelity, total_variation, iterate_residual, data_regularization
  double value = 0;
  double cdf = 0;         // F(value) over the calibration values
  Label label = Label::Pass;
  std::map<std::string, double> extras;  // e.g. box: percent_outside
  // What decided the label: "calibration" (the CDF against the calibration set), "tolerance" (the
  // solver's own convergence test, CertificateProperty::satisfied), "uncalibrated" (no calibration
  // values for the property: it fails, since nothing vouches for it) or "invalid image" (non-finite or
  // constant: it fails).
  std::string basis = "calibration";
  // How the property names itself (CertificateProperty::title and srCode), set by the Certifier for the
  // badge and the SR; not part of the JSON report.
  std::string title, srCode;
  // The calibration's value thresholds the label was read against (basis "calibration"): warning from
  // warningAt, fail from failAt (+inf when that label cannot occur); NaN for any other basis.
  double warningAt = std::numeric_limits<double>::quiet_NaN();
  double failAt = std::numeric_limits<double>::quiet_NaN();
};

struct CertificateReport {
  std::string method;
  std::vector<Certificate> certificates;
  Label overall = Label::Pass;
  // The calibration that labelled the certificates: its fingerprint (CertificateCalibration::fingerprint)
  // and the certifying model it was made for; empty for a report made without a Certifier.
  std::string calibration, calibrationModel;
  std::optional<double> psnr, ssim;
  std::optional<int> iterations;   // iterative methods: iterations to tolerance (or the cap)
  std::optional<bool> converged;   // iterative methods: the method's tolerance reached

  const Certificate* find(const std::string& property) const;
  // {"method", "certificates": [{"property","value","cdf","label", "warning_at","fail_at"}], "overall",
  //  "calibration": {"fingerprint","model"}, ...}; a threshold that cannot be reached is written as null.
  nlohmann::json toJson() const;
  static CertificateReport fromJson(const nlohmann::json& j);
};

}  // namespace trustct
