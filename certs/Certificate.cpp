#include "certs/Certificate.h"

#include <cmath>

#include "recon/core/Errors.h"

namespace trustct {

std::string labelName(Label l) {
  switch (l) {
    case Label::Pass: return "pass";
    case Label::Warning: return "warning";
    case Label::Fail: return "fail";
  }
  return "?";
}

std::string verdictText(Label l) {
  switch (l) {
    case Label::Pass: return "trustworthy";
    case Label::Warning: return "check";
    case Label::Fail: return "untrustworthy";
  }
  return "?";
}

Label parseLabel(const std::string& s) {
  if (s == "pass") return Label::Pass;
  if (s == "warning") return Label::Warning;
  if (s == "fail") return Label::Fail;
  throw InputError("certificate", "unknown label '" + s + "'");
}

Label worst(Label a, Label b) { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

const Certificate* CertificateReport::find(const std::string& property) const {
  for (const auto& c : certificates)
    if (c.property == property) return &c;
  return nullptr;
}

nlohmann::json CertificateReport::toJson() const {
  nlohmann::json certs = nlohmann::json::array();
  for (const auto& c : certificates) {
    nlohmann::json j = {{"property", c.property}, {"value", c.value}, {"cdf", c.cdf}, {"label", labelName(c.label)}};
    for (const auto& [k, v] : c.extras) j[k] = v;
    if (c.basis != "calibration") j["basis"] = c.basis;
    if (!std::isnan(c.warningAt)) {
      j["warning_at"] = std::isfinite(c.warningAt) ? nlohmann::json(c.warningAt) : nlohmann::json();
      j["fail_at"] = std::isfinite(c.failAt) ? nlohmann::json(c.failAt) : nlohmann::json();
    }
    certs.push_back(j);
  }
  nlohmann::json j = {{"method", method}, {"certificates", certs}, {"overall", labelName(overall)},
                      {"verdict", verdictText(overall)}};
  if (!calibration.empty()) j["calibration"] = {{"fingerprint", calibration}, {"model", calibrationModel}};
  if (psnr) j["psnr"] = *psnr;
  if (ssim) j["ssim"] = *ssim;
  if (iterations) j["iterations"] = *iterations;
  if (converged) j["converged"] = *converged;
  return j;
}

CertificateReport CertificateReport::fromJson(const nlohmann::json& j) {
  CertificateReport r;
  r.method = j.at("method").get<std::string>();
  for (const auto& c : j.at("certificates")) {
    Certificate cert;
    cert.property = c.at("property").get<std::string>();
    cert.value = c.at("value").get<double>();
    cert.cdf = c.at("cdf").get<double>();
    cert.label = parseLabel(c.at("label").get<std::string>());
    cert.basis = c.value("basis", std::string("calibration"));
    const auto threshold = [&](const char* key) {
      return c.at(key).is_null() ? std::numeric_limits<double>::infinity() : c.at(key).get<double>();
    };
    if (c.contains("warning_at") && c.contains("fail_at")) {
      cert.warningAt = threshold("warning_at");
      cert.failAt = threshold("fail_at");
    }
    for (const auto& [k, v] : c.items())
      if (v.is_number() && k != "value" && k != "cdf" && k != "warning_at" && k != "fail_at") cert.extras[k] = v.get<double>();
    r.certificates.push_back(cert);
  }
  r.overall = parseLabel(j.at("overall").get<std::string>());
  if (j.contains("calibration")) {
    r.calibration = j["calibration"].value("fingerprint", std::string());
    r.calibrationModel = j["calibration"].value("model", std::string());
  }
  if (j.contains("psnr")) r.psnr = j["psnr"].get<double>();
  if (j.contains("ssim")) r.ssim = j["ssim"].get<double>();
  if (j.contains("iterations")) r.iterations = j["iterations"].get<int>();
  if (j.contains("converged")) r.converged = j["converged"].get<bool>();
  return r;
}

}  // namespace trustct
