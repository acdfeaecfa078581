#pragma once
// The certificates' detection power, measured (`trustct-cli validate-certificates`, docs/certificate-validity.md).
// Every method reconstructs scans of perturbation families a scanner really produces (more noise, lower dose,
// dead and miscalibrated detector bins, a centre-of-rotation or angle offset, a flipped detector, anatomy
// unlike the training data) and in-distribution controls. A reconstruction is *bad* when its PSNR is more
// than 3 dB below the method's median on the controls; per method and per property (and the overall
// verdict) the suite reports how many bad ones were labelled fail (detection), how many good ones were
// (false alarms, on the controls and over all good ones) and the AUROC of the raw values.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "certs/Certifier.h"
#include "recon/data/Dataset.h"

namespace trustct {

class JobContext;

struct PerturbationFamily {
  std::string name;         // "noise-x2", "dead-bins", ... (JSON key)
  std::string description;  // what a scanner did, in words
  bool inDistribution = false;  // the controls: scans like the calibration data
  std::shared_ptr<const Dataset> data;
};

// The families on Ellipses phantoms of `seed` (keep it apart from training, validation, calibration and
// test seeds), `count` images each, standard noise 1.5 % unless the family changes it; Shepp–Logan for
// out-of-distribution anatomy. Each family draws its own phantoms and perturbations from (seed, family).
std::vector<PerturbationFamily> standardPerturbationFamilies(std::shared_ptr<const RadonOperator> op, int64_t count,
                                                             uint64_t seed);

// How one property (or "overall", the verdict) separates bad from good reconstructions.
struct DetectionPower {
  int64_t bad = 0, good = 0, goodInDistribution = 0;
  int64_t detected = 0;              // bad and labelled fail
  int64_t falseAlarms = 0;           // good and labelled fail
  int64_t falseAlarmsInDistribution = 0;
  double auroc = 0.5;                // of the raw values (overall: label rank + largest percentile)
  std::vector<std::pair<double, double>> roc;  // (false positive rate, true positive rate), from (0, 0) to (1, 1)

  double detection() const;          // NaN without bad reconstructions
  double falseAlarmRate() const;     // over all good reconstructions
  double falseAlarmRateInDistribution() const;
  nlohmann::json toJson() const;
};

struct FamilyOutcome {
  std::string family;
  int64_t count = 0, bad = 0, detected = 0;  // detected: bad with a failing verdict
  double meanPsnr = 0;
};

struct MethodValidity {
  std::string method, displayName, calibrationFile, calibrationFingerprint;
  double controlMedianPsnr = 0, badBelowPsnr = 0;  // bad: PSNR < badBelowPsnr = median − 3 dB
  std::map<std::string, DetectionPower> properties;  // and "overall"
  std::vector<FamilyOutcome> families;
  nlohmann::json toJson() const;
};

// One image's outcome, as the suite scores it (exposed for the unit tests of the scoring).
struct ValidityObservation {
  std::string family;
  bool inDistribution = false;
  double psnr = 0;
  CertificateReport report;
};

// Scores observations of one method: the bad/good split from the controls' median PSNR, then the
// detection power of every property present and of the overall verdict.
MethodValidity scoreValidity(const std::vector<ValidityObservation>& observations, double badMarginDb = 3.0);

// Reconstructs every family with `method`, certifies with `certifier` and scores the result.
MethodValidity validateCertificates(const ReconstructionEnvironment& env, const ReconstructionMethod& method,
                                    const Certifier& certifier, const std::vector<PerturbationFamily>& families,
                                    JobContext& ctx, int batchSize = 8);

// The Markdown report: per method the property table (met / not met against the thresholds below) and
// the per-family table.
struct ValidityThresholds {
  double detection = 0.9, falseAlarmsInDistribution = 0.10, falseAlarms = 0.15, auroc = 0.95;
};
std::string validityMarkdown(const std::vector<MethodValidity>& methods, const std::vector<PerturbationFamily>& families,
                             const ValidityThresholds& thresholds = {});

}  // namespace trustct
