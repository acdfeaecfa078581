#pragma once
// Calibration of certificate labels: per property, the empirical CDF F(v) = #{v_i ≤ v}/N of values
// measured on calibration data (never test data), the source of those values, and the thresholds.
//   pass if F(v) < p_pass;  warning if p_pass ≤ F(v) < 1 − p_fail;  fail otherwise.
// A calibration is bound to the geometry and to the certifying model (id + fingerprint) it was made
// for; loading it for anything else is refused with a message that says what differs.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "certs/Certificate.h"
#include "recon/geometry/Geometry.h"

namespace trustct {

struct PropertyCalibration {
  std::string source;          // "ground_truth" or "inference:<model id>"
  std::vector<double> values;  // sorted ascending
  double pPass = 0.95;
  double pFail = 0.05;
  double exactTolerance = -1;  // values ≤ this pass outright (see CertificateProperty::exactTolerance)

  // 0 ≤ p_pass ≤ 1 − p_fail ≤ 1: the warning band is never negative.
  static bool validThresholds(double pPass, double pFail);
  double cdf(double v) const;
  Label label(double v) const;
  // Smallest value whose label is warning / fail (for explanations and charts); +inf if none.
  double warningThreshold() const;
  double failThreshold() const;
};

class CertificateCalibration {
 public:
  static constexpr int kFormatVersion = 1;

  std::string geometryFingerprint;
  nlohmann::json geometry;      // for messages and provenance
  std::string modelId;          // the certifying model whose inferences were used
  std::string modelFingerprint;
  std::string provenance;       // the command that made it
  std::map<std::string, PropertyCalibration> properties;

  const PropertyCalibration* find(const std::string& property) const;
  nlohmann::json toJson() const;
  // 16 hex digits of the SHA-256 of toJson(): changes with any value, threshold or binding.
  std::string fingerprint() const;
  static CertificateCalibration fromJson(const nlohmann::json& j, const std::string& source);
  // SHA-256 of toJson() with every property's values sorted (as load() holds them): the "sha256" field
  // save() writes and fromJson() checks, so an edited file is refused.
  std::string contentDigest() const;
  static CertificateCalibration load(const std::string& path);
  void save(const std::string& path) const;  // atomic, with its checksum

  // InputError naming `source` if the geometry or the model differs.
  void requireCompatible(const Geometry& g, const std::string& modelId, const std::string& modelFingerprint,
                         const std::string& source) const;
};

}  // namespace trustct
