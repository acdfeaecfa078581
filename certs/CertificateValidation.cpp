#include "certs/CertificateValidation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "certs/Evaluation.h"
#include "recon/core/Job.h"
#include "recon/core/Rng.h"
#include "recon/data/SimulatedDataset.h"

namespace trustct {
namespace {

// A data set whose sinograms are changed as a scanner fault would change them; the perturbation of item i
// draws from its own stream, so every run sees the same faults.
class PerturbedDataset : public Dataset {
 public:
  using Perturb = std::function<torch::Tensor(const torch::Tensor& sinogram, Rng& rng)>;
  PerturbedDataset(std::shared_ptr<const Dataset> base, uint64_t seed, Perturb perturb)
      : base_(std::move(base)), seed_(seed), perturb_(std::move(perturb)) {}
  int64_t size() const override { return base_->size(); }
  Sample get(int64_t index) const override {
    Sample s = base_->get(index);
    Rng rng = Rng::forItem(seed_, static_cast<uint64_t>(index));
    s.sinogram = perturb_(s.sinogram, rng);
    return s;
  }

 private:
  std::shared_ptr<const Dataset> base_;
  uint64_t seed_;
  Perturb perturb_;
};

// `n` distinct detector bins in the central half, where every phantom casts its shadow.
std::vector<int64_t> centralBins(int64_t bins, int n, Rng& rng) {
  std::vector<int64_t> picked;
  while (static_cast<int>(picked.size()) < n) {
    const auto b = static_cast<int64_t>(bins / 4 + rng.uniform() * double(bins / 2));
    if (std::find(picked.begin(), picked.end(), b) == picked.end()) picked.push_back(b);
  }
  return picked;
}

// Columns shifted by `k` bins (the detector's centre off the rotation axis), zeros where nothing was measured.
torch::Tensor shiftBins(const torch::Tensor& sino, int64_t k) {
  torch::Tensor out = torch::zeros_like(sino);
  const int64_t bins = sino.size(1);
  if (k >= 0)
    out.narrow(1, k, bins - k).copy_(sino.narrow(1, 0, bins - k));
  else
    out.narrow(1, 0, bins + k).copy_(sino.narrow(1, -k, bins + k));
  return out;
}

double rank(Label l) { return l == Label::Fail ? 2 : l == Label::Warning ? 1 : 0; }

// The overall verdict as a number for the ROC: its label, then the largest calibrated percentile among
// its certificates (so that two failing images still order by how far out they are).
double overallScore(const CertificateReport& r) {
  double cdf = 0;
  for (const auto& c : r.certificates) cdf = std::max(cdf, std::isfinite(c.cdf) ? std::clamp(c.cdf, 0.0, 1.0) : 1.0);
  return rank(r.overall) + cdf;
}

struct Scored {
  double value;  // larger: more suspicious; a non-finite value counts as the most suspicious
  bool fail, bad, inDistribution;
};

DetectionPower detectionPower(std::vector<Scored> rows) {
  DetectionPower p;
  for (auto& r : rows) {
    if (!std::isfinite(r.value)) r.value = std::numeric_limits<double>::max();
    (r.bad ? p.bad : p.good) += 1;
    if (!r.bad && r.inDistribution) ++p.goodInDistribution;
    if (r.fail && r.bad) ++p.detected;
    if (r.fail && !r.bad) ++p.falseAlarms;
    if (r.fail && !r.bad && r.inDistribution) ++p.falseAlarmsInDistribution;
  }
  // ROC from the most suspicious value down, one point per distinct value; AUROC by the trapezoids,
  // which counts ties as one half (the Mann–Whitney statistic).
  std::sort(rows.begin(), rows.end(), [](const Scored& a, const Scored& b) { return a.value > b.value; });
  p.roc.push_back({0.0, 0.0});
  if (p.bad == 0 || p.good == 0) {
    p.roc.push_back({1.0, 1.0});
    return p;
  }
  double tp = 0, fp = 0, area = 0;
  for (size_t i = 0; i < rows.size();) {
    const double prevTp = tp, prevFp = fp;
    size_t j = i;
    for (; j < rows.size() && rows[j].value == rows[i].value; ++j) (rows[j].bad ? tp : fp) += 1;
    area += (fp - prevFp) * (tp + prevTp) / 2;
    p.roc.push_back({fp / double(p.good), tp / double(p.bad)});
    i = j;
  }
  p.auroc = area / (double(p.bad) * double(p.good));
  return p;
}

double ratio(int64_t a, int64_t b) { return b > 0 ? double(a) / double(b) : std::nan(""); }

nlohmann::json numberOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

double DetectionPower::detection() const { return ratio(detected, bad); }
double DetectionPower::falseAlarmRate() const { return ratio(falseAlarms, good); }
double DetectionPower::falseAlarmRateInDistribution() const {
  return ratio(falseAlarmsInDistribution, goodInDistribution);
}

nlohmann::json DetectionPower::toJson() const {
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& [fpr, tpr] : roc) curve.push_back({fpr, tpr});
  return {{"bad", bad},
          {"good", good},
          {"good_in_distribution", goodInDistribution},
          {"detected", detected},
          {"false_alarms", falseAlarms},
          {"false_alarms_in_distribution", falseAlarmsInDistribution},
          {"detection", numberOrNull(detection())},
          {"false_alarm_rate", numberOrNull(falseAlarmRate())},
          {"false_alarm_rate_in_distribution", numberOrNull(falseAlarmRateInDistribution())},
          {"auroc", auroc},
          {"roc", curve}};
}

nlohmann::json MethodValidity::toJson() const {
  nlohmann::json props = nlohmann::json::object(), fams = nlohmann::json::array();
  for (const auto& [name, power] : properties) props[name] = power.toJson();
  for (const auto& f : families)
    fams.push_back({{"family", f.family}, {"count", f.count}, {"bad", f.bad}, {"detected", f.detected},
                    {"mean_psnr", f.meanPsnr}});
  return {{"method", method},
          {"name", displayName},
          {"calibration", {{"file", calibrationFile}, {"fingerprint", calibrationFingerprint}}},
          {"control_median_psnr", controlMedianPsnr},
          {"bad_below_psnr", badBelowPsnr},
          {"properties", props},
          {"families", fams}};
}

std::vector<PerturbationFamily> standardPerturbationFamilies(std::shared_ptr<const RadonOperator> op, int64_t count,
                                                             uint64_t seed) {
  std::vector<PerturbationFamily> families;
  uint64_t next = seed;  // each family its own phantoms: seed, seed + 1, ...
  const auto ellipses = [&](NoiseModel noise) {
    return std::make_shared<SimulatedDataset>(op, PhantomKind::Ellipses, count, next++, noise, true);
  };
  const NoiseModel standard = NoiseModel::parse("gaussian", 0.015);
  const auto add = [&](std::string name, std::string description, bool inDistribution,
                       std::shared_ptr<const Dataset> data) {
    families.push_back({std::move(name), std::move(description), inDistribution, std::move(data)});
  };
  const auto perturbed = [&](PerturbedDataset::Perturb perturb) {
    const uint64_t faults = (next ^ 0x66617574ULL) * 0x9E3779B97F4A7C15ULL;
    return std::make_shared<PerturbedDataset>(ellipses(standard), faults, std::move(perturb));
  };

  add("control", "Ellipses as in the calibration set: 1.5 % Gaussian noise", true, ellipses(standard));
  add("noise-x2", "twice the noise (3 %)", false, ellipses(NoiseModel::parse("gaussian", 0.03)));
  add("noise-x3", "three times the noise (4.5 %)", false, ellipses(NoiseModel::parse("gaussian", 0.045)));
  NoiseModel lowDose;
  lowDose.kind = NoiseModel::Kind::Poisson;
  lowDose.photons = 2000;
  add("low-dose", "Poisson counts at 2,000 photons per ray (post-log)", false, ellipses(lowDose));
  add("dead-bins", "two dead detector bins (read 0 at every angle): ring artefacts", false,
      perturbed([](const torch::Tensor& s, Rng& rng) {
        torch::Tensor out = s.clone();
        for (int64_t b : centralBins(s.size(1), 2, rng)) out.select(1, b).zero_();
        return out;
      }));
  add("miscalibrated-bins", "four detector bins with a gain error of 5-15 %: ring artefacts", false,
      perturbed([](const torch::Tensor& s, Rng& rng) {
        torch::Tensor out = s.clone();
        for (int64_t b : centralBins(s.size(1), 4, rng))
          out.select(1, b).mul_(1.0 + (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.05, 0.15));
        return out;
      }));
  for (int k = 1; k <= 3; ++k)
    add("centre-offset-" + std::to_string(k),
        "centre of rotation " + std::to_string(k) + " detector bin" + (k > 1 ? "s" : "") + " off the detector's centre",
        false, perturbed([k](const torch::Tensor& s, Rng& rng) { return shiftBins(s, rng.uniform() < 0.5 ? -k : k); }));
  add("angle-offset", "every projection one angular step (6 degrees) later than recorded", false,
      perturbed([](const torch::Tensor& s, Rng&) {
        // Parallel beam over [0, π): the view after the last is the first one seen from behind, p(θ + π, t) = p(θ, −t).
        const int64_t angles = s.size(0);
        return torch::cat({s.narrow(0, 1, angles - 1), s.narrow(0, 0, 1).flip({1})}, 0);
      }));
  add("flipped-detector", "detector read out in reverse order", false,
      perturbed([](const torch::Tensor& s, Rng&) { return s.flip({1}); }));
  add("shepp-logan", "out-of-distribution anatomy: the Shepp-Logan head phantom, 1.5 % noise", false,
      std::make_shared<SimulatedDataset>(op, PhantomKind::SheppLogan, count, next++, standard, true));
  return families;
}

MethodValidity scoreValidity(const std::vector<ValidityObservation>& observations, double badMarginDb) {
  MethodValidity v;
  std::vector<double> controls;
  for (const auto& o : observations)
    if (o.inDistribution) controls.push_back(o.psnr);
  if (controls.empty()) throw std::invalid_argument("validity: no in-distribution controls to set the bad threshold");
  std::sort(controls.begin(), controls.end());
  const size_t n = controls.size();
  v.controlMedianPsnr = n % 2 ? controls[n / 2] : (controls[n / 2 - 1] + controls[n / 2]) / 2;
  v.badBelowPsnr = v.controlMedianPsnr - badMarginDb;

  const auto isBad = [&](const ValidityObservation& o) { return !(o.psnr >= v.badBelowPsnr); };  // NaN PSNR: bad
  std::map<std::string, std::vector<Scored>> rows;
  for (const auto& o : observations) {
    const bool bad = isBad(o);
    rows["overall"].push_back({overallScore(o.report), o.report.overall == Label::Fail, bad, o.inDistribution});
    for (const auto& c : o.report.certificates)
      rows[c.property].push_back({c.value, c.label == Label::Fail, bad, o.inDistribution});
  }
  for (auto& [name, scored] : rows) v.properties[name] = detectionPower(std::move(scored));

  for (const auto& o : observations) {
    auto it = std::find_if(v.families.begin(), v.families.end(), [&](const FamilyOutcome& f) { return f.family == o.family; });
    if (it == v.families.end()) it = v.families.insert(v.families.end(), FamilyOutcome{o.family});
    it->count += 1;
    it->meanPsnr += o.psnr;
    if (isBad(o)) {
      ++it->bad;
      if (o.report.overall == Label::Fail) ++it->detected;
    }
  }
  for (auto& f : v.families) f.meanPsnr /= double(f.count);
  return v;
}

MethodValidity validateCertificates(const ReconstructionEnvironment& env, const ReconstructionMethod& method,
                                    const Certifier& certifier, const std::vector<PerturbationFamily>& families,
                                    JobContext& ctx, int batchSize) {
  const Evaluator evaluator(env, certifier);
  std::vector<ValidityObservation> observations;
  for (size_t f = 0; f < families.size(); ++f) {
    const PerturbationFamily& family = families[f];
    JobContext inner(method.displayName() + " · " + family.name, &ctx);
    std::vector<SampleResult> samples;
    evaluator.evaluate(method, *family.data, batchSize, inner, &samples);
    for (auto& s : samples) {
      if (!s.report.psnr) throw std::invalid_argument("validity: family '" + family.name + "' has no ground truth");
      observations.push_back({family.name, family.inDistribution, *s.report.psnr, std::move(s.report)});
    }
    ctx.report(double(f + 1) / double(families.size()), method.displayName() + ": " + family.name);
  }
  MethodValidity v = scoreValidity(observations);
  v.method = method.id();
  v.displayName = method.displayName();
  v.calibrationFingerprint = certifier.calibration().fingerprint();
  return v;
}

std::string validityMarkdown(const std::vector<MethodValidity>& methods, const std::vector<PerturbationFamily>& families,
                             const ValidityThresholds& t) {
  char buf[512];
  std::string out = "Perturbation families (each its own phantoms and faults):\n\n| Family | What the scanner did | Control |\n|---|---|---|\n";
  for (const auto& f : families) out += "| " + f.name + " | " + f.description + " | " + (f.inDistribution ? "yes" : "") + " |\n";
  const auto rate = [&](double r, int64_t a, int64_t b) {
    if (!std::isfinite(r)) return std::string("n/a (none)");
    std::snprintf(buf, sizeof buf, "%.1f %% (%lld / %lld)", 100 * r, static_cast<long long>(a), static_cast<long long>(b));
    return std::string(buf);
  };
  for (const auto& m : methods) {
    std::snprintf(buf, sizeof buf,
                  "\n### %s\n\nCalibration %s (%s). Control median PSNR %.2f dB: a reconstruction below %.2f dB is bad.\n\n",
                  m.displayName.c_str(), m.calibrationFingerprint.c_str(), m.calibrationFile.c_str(), m.controlMedianPsnr,
                  m.badBelowPsnr);
    out += buf;
    out += "| Property | Detection | False alarms (controls) | False alarms (all good) | AUROC | Thresholds met |\n"
           "|---|---|---|---|---|---|\n";
    std::vector<std::string> order{"overall"};
    for (const auto& [name, p] : m.properties)
      if (name != "overall") order.push_back(name);
    for (const auto& name : order) {
      const DetectionPower& p = m.properties.at(name);
      const bool met = p.detection() >= t.detection && p.falseAlarmRateInDistribution() <= t.falseAlarmsInDistribution &&
                       p.falseAlarmRate() <= t.falseAlarms && p.auroc >= t.auroc;
      char tail[64];  // rate() writes into buf
      std::snprintf(tail, sizeof tail, " | %.3f | %s |\n", p.auroc, met ? "yes" : "no");
      out += "| " + (name == "overall" ? std::string("**overall verdict**") : name) + " | " +
             rate(p.detection(), p.detected, p.bad) + " | " +
             rate(p.falseAlarmRateInDistribution(), p.falseAlarmsInDistribution, p.goodInDistribution) + " | " +
             rate(p.falseAlarmRate(), p.falseAlarms, p.good) + tail;
    }
    out += "\n| Family | Images | Mean PSNR dB | Bad | Bad with a failing verdict |\n|---|---|---|---|---|\n";
    for (const auto& f : m.families) {
      std::snprintf(buf, sizeof buf, "| %s | %lld | %.2f | %lld | %lld |\n", f.family.c_str(),
                    static_cast<long long>(f.count), f.meanPsnr, static_cast<long long>(f.bad),
                    static_cast<long long>(f.detected));
      out += buf;
    }
  }
  std::snprintf(buf, sizeof buf,
                "\nThresholds: detection >= %.2f, false alarms <= %.0f %% on the controls and <= %.0f %% over all good "
                "reconstructions, AUROC >= %.2f.\n",
                t.detection, 100 * t.falseAlarmsInDistribution, 100 * t.falseAlarms, t.auroc);
  return out + buf;
}

}  // namespace trustct
