#pragma once
// Evaluates every property of a suite on one reconstruction and labels it with a calibration.
#include <memory>
#include <string>

#include "certs/Certificate.h"
#include "certs/CertificateCalibration.h"
#include "certs/CertificateProperty.h"
#include "recon/data/Dataset.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class Certifier {
 public:
  Certifier(CertificateSuite suite, CertificateCalibration calibration);

  // Properties that do not apply are left out of the report; one without a calibration entry is reported
  // failing (basis "uncalibrated"), since nothing vouches for it.
  CertificateReport certify(const std::string& method, const CertificateInput& in) const;

  const CertificateSuite& suite() const { return suite_; }
  const CertificateCalibration& calibration() const { return calibration_; }

  // resources/calibration/default.json, checked against the geometry and the certifying model it names.
  static std::string defaultCalibrationPath(const ReconstructionEnvironment& env);
  static Certifier loadDefault(const ReconstructionEnvironment& env);
  // The calibration that certifies `methodId` unless the user names one: a user model's own (calibration.json
  // beside it), else the method's shipped resources/calibration/<methodId>.json, else default.json.
  static std::string calibrationPathFor(const ReconstructionEnvironment& env, const std::string& methodId);
  static Certifier loadFor(const ReconstructionEnvironment& env, const std::string& methodId);
  static Certifier load(const std::string& path, const ReconstructionEnvironment& env);

 private:
  CertificateSuite suite_;
  CertificateCalibration calibration_;
  std::string calibrationFingerprint_;  // named in every report
};

// Calibrates `suite` on `data` (calibration data, never the test set): ground-truth properties from the
// ground truths, inference properties from `model`'s reconstructions. Reports progress through ctx.
CertificateCalibration calibrate(const ReconstructionEnvironment& env, const ReconstructionMethod& model,
                                 const CertificateSuite& suite, const Dataset& data, double pPass, double pFail,
                                 JobContext& ctx, int batchSize = 8);

}  // namespace trustct
