#include "certs/CertificateCalibration.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Sha256.h"

namespace trustct {

bool PropertyCalibration::validThresholds(double pPass, double pFail) {
  return pPass >= 0 && pPass <= 1 && pFail >= 0 && pFail <= 1 && pPass <= 1 - pFail;
}

double PropertyCalibration::cdf(double v) const {
  if (values.empty()) return 0;
  return double(std::upper_bound(values.begin(), values.end(), v) - values.begin()) / double(values.size());
}

Label PropertyCalibration::label(double v) const {
  if (!std::isfinite(v)) return Label::Fail;
  if (v <= exactTolerance) return Label::Pass;
  const double f = cdf(v);
  if (f < pPass) return Label::Pass;
  if (f < 1.0 - pFail) return Label::Warning;
  return Label::Fail;
}

namespace {
// Smallest value whose CDF is at least p: labels only change at calibration values, and above all of
// them (and above the exact tolerance) F is 1 — so a calibration of exact zeros fails any value above
// its tolerance. +inf when no value can reach p.
double firstValueWithCdfAtLeast(const PropertyCalibration& c, double p) {
  for (double v : c.values)
    if (v > c.exactTolerance && c.cdf(v) >= p) return v;
  if (c.values.empty() || p > 1) return std::numeric_limits<double>::infinity();
  return std::nextafter(std::max(c.exactTolerance, c.values.back()), std::numeric_limits<double>::infinity());
}
}  // namespace

double PropertyCalibration::warningThreshold() const { return firstValueWithCdfAtLeast(*this, pPass); }
double PropertyCalibration::failThreshold() const { return firstValueWithCdfAtLeast(*this, 1.0 - pFail); }

const PropertyCalibration* CertificateCalibration::find(const std::string& property) const {
  auto it = properties.find(property);
  return it == properties.end() ? nullptr : &it->second;
}

nlohmann::json CertificateCalibration::toJson() const {
  nlohmann::json props = nlohmann::json::object();
  for (const auto& [name, c] : properties)
    props[name] = {{"source", c.source},       {"p_pass", c.pPass},   {"p_fail", c.pFail},
                   {"exact_tolerance", c.exactTolerance}, {"count", c.values.size()}, {"values", c.values}};
  return {{"format", "trustct-calibration"},
          {"version", kFormatVersion},
          {"geometry", geometry},
          {"geometry_fingerprint", geometryFingerprint},
          {"model", {{"id", modelId}, {"fingerprint", modelFingerprint}}},
          {"provenance", provenance},
          {"properties", props}};
}

std::string CertificateCalibration::fingerprint() const { return sha256Hex(toJson().dump()).substr(0, 16); }

CertificateCalibration CertificateCalibration::fromJson(const nlohmann::json& j, const std::string& source) {
  CertificateCalibration c;
  try {
    if (j.value("format", std::string()) != "trustct-calibration")
      throw InputError(source, "not a TrustCT calibration file (format field missing or wrong)");
    const int version = j.at("version").get<int>();
    if (version > kFormatVersion)
      throw InputError(source, "calibration format version " + std::to_string(version) +
                                   " is newer than this TrustCT understands (" + std::to_string(kFormatVersion) + ")");
    c.geometry = j.at("geometry");
    c.geometryFingerprint = j.at("geometry_fingerprint").get<std::string>();
    c.modelId = j.at("model").at("id").get<std::string>();
    c.modelFingerprint = j.at("model").at("fingerprint").get<std::string>();
    c.provenance = j.value("provenance", std::string());
    if (!j.contains("sha256"))
      throw InputError(source, "calibration has no checksum (sha256): made by an older TrustCT or by hand; "
                               "recalibrate with 'trustct-cli calibrate'");
    for (const auto& [name, p] : j.at("properties").items()) {
      PropertyCalibration pc;
      pc.source = p.at("source").get<std::string>();
      pc.pPass = p.value("p_pass", 0.95);
      pc.pFail = p.value("p_fail", 0.05);
      pc.exactTolerance = p.value("exact_tolerance", -1.0);
      pc.values = p.at("values").get<std::vector<double>>();
      if (pc.values.empty()) throw InputError(source, "property '" + name + "' has no calibration values");
      if (!PropertyCalibration::validThresholds(pc.pPass, pc.pFail))
        throw InputError(source, "property '" + name + "' has invalid thresholds p_pass/p_fail");
      std::sort(pc.values.begin(), pc.values.end());
      c.properties[name] = std::move(pc);
    }
    // The checksum covers every value, threshold and binding, so an edited calibration is refused
    // rather than certifying with numbers nobody calibrated.
    if (j.at("sha256").get<std::string>() != c.contentDigest())
      throw InputError(source, "calibration checksum does not match its content: the file was changed after "
                               "calibration; recalibrate with 'trustct-cli calibrate'");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, std::string("malformed calibration: ") + e.what());
  }
  return c;
}

CertificateCalibration CertificateCalibration::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open calibration file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("calibration is not valid JSON: ") + e.what());
  }
  return fromJson(j, path);
}

std::string CertificateCalibration::contentDigest() const {
  CertificateCalibration sorted = *this;  // as load() reads it back
  for (auto& [name, p] : sorted.properties) std::sort(p.values.begin(), p.values.end());
  return sha256Hex(sorted.toJson().dump());
}

void CertificateCalibration::save(const std::string& path) const {
  nlohmann::json j = toJson();
  j["sha256"] = contentDigest();
  writeTextAtomically(path, j.dump(1) + "\n");
}

void CertificateCalibration::requireCompatible(const Geometry& g, const std::string& id, const std::string& fingerprint,
                                               const std::string& source) const {
  if (geometryFingerprint != g.fingerprint() || geometry != g.toJson())
    throw InputError(source, "calibration was made for another geometry (" + geometry.dump() + ", fingerprint " +
                                 geometryFingerprint + ") than the current one (" + g.describe() + ", fingerprint " +
                                 g.fingerprint() + "); recalibrate with 'trustct-cli calibrate'");
  if (modelId != id || modelFingerprint != fingerprint)
    throw InputError(source, "calibration was made for model '" + modelId + "' (fingerprint " + modelFingerprint +
                                 "), not for '" + id + "' (fingerprint " + fingerprint +
                                 "); recalibrate with 'trustct-cli calibrate'");
}

}  // namespace trustct
