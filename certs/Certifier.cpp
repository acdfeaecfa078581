#include "certs/Certifier.h"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "certs/CertifiedReconstruction.h"
#include "certs/DataRegularization.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/learned/models/UserModels.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct {

Certifier::Certifier(CertificateSuite suite, CertificateCalibration calibration)
    : suite_(std::move(suite)), calibration_(std::move(calibration)), calibrationFingerprint_(calibration_.fingerprint()) {}

CertificateReport Certifier::certify(const std::string& method, const CertificateInput& in) const {
  CertificateReport report;
  report.method = method;
  report.calibration = calibrationFingerprint_;
  report.calibrationModel = calibration_.modelId;
  // A non-finite or constant image is no reconstruction: whatever its property values (a blank image
  // has box distance and total variation 0), nothing may pass on it.
  const bool invalid = !torch::isfinite(in.image).all().item<bool>() || (in.image.max() == in.image.min()).item<bool>();
  for (const auto& property : suite_.properties()) {
    const std::optional<PropertyValue> v = property->evaluate(in);
    if (!v) continue;  // does not apply (the iterate residual of a direct method)
    const PropertyCalibration* cal = calibration_.find(property->name());
    // The label: the solver's own test where the property is a fact of the run, else the calibrated CDF;
    // with neither, nothing vouches for the property and it fails (reported, never left out).
    Certificate c{property->name(), v->value, cal ? cal->cdf(v->value) : 1.0, Label::Fail, v->extras, "uncalibrated",
                  property->title(), property->srCode()};
    if (const std::optional<bool> met = property->satisfied(in); met && std::isfinite(v->value)) {
      c.label = *met ? Label::Pass : Label::Fail;
      c.basis = "tolerance";
    } else if (cal) {
      c.label = cal->label(v->value);
      c.basis = "calibration";
      c.warningAt = cal->warningThreshold();
      c.failAt = cal->failThreshold();
    }
    if (invalid) {
      c.label = Label::Fail;
      c.basis = "invalid image";
    }
    report.overall = worst(report.overall, c.label);
    report.certificates.push_back(std::move(c));
  }
  return report;
}

std::string Certifier::defaultCalibrationPath(const ReconstructionEnvironment& env) {
  return (std::filesystem::path(env.resourceDir) / "calibration" / "default.json").string();
}

Certifier Certifier::load(const std::string& path, const ReconstructionEnvironment& env) {
  CertificateCalibration cal = CertificateCalibration::load(path);
  const auto model = MethodRegistry::instance().create(cal.modelId, env);
  cal.requireCompatible(env.geometry(), model->id(), model->fingerprint(), path);
  // A calibration made with a learned L2O model also certifies with its K and R (data_regularization).
  CertificateSuite suite = suiteForModel(*model);
  for (const auto& [name, property] : cal.properties)
    if (!suite.find(name))
      throw InputError(path, "calibration has property '" + name + "' that model '" + cal.modelId + "' cannot certify");
  // A calibration that leaves out a property would certify without it (an empty one passed everything).
  for (const auto& property : suite.properties())
    if (!cal.find(property->name()) && (model->maxIterations() > 0 || property->appliesToDirectMethods()))
      throw InputError(path, "calibration has no values for property '" + property->name() + "', which model '" +
                                 cal.modelId + "' is certified on; recalibrate with 'trustct-cli calibrate'");
  return Certifier(std::move(suite), std::move(cal));
}

Certifier Certifier::loadDefault(const ReconstructionEnvironment& env) { return load(defaultCalibrationPath(env), env); }

std::string Certifier::calibrationPathFor(const ReconstructionEnvironment& env, const std::string& methodId) {
  if (const std::string own = ownCalibrationPath(methodId); !own.empty()) return own;
  const bool plainId = !methodId.empty() && std::all_of(methodId.begin(), methodId.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
  const std::filesystem::path shipped = std::filesystem::path(env.resourceDir) / "calibration" / (methodId + ".json");
  std::error_code ec;
  return plainId && std::filesystem::is_regular_file(shipped, ec) ? shipped.string() : defaultCalibrationPath(env);
}

Certifier Certifier::loadFor(const ReconstructionEnvironment& env, const std::string& methodId) {
  return load(calibrationPathFor(env, methodId), env);
}

CertificateCalibration calibrate(const ReconstructionEnvironment& env, const ReconstructionMethod& model,
                                 const CertificateSuite& suite, const Dataset& data, double pPass, double pFail,
                                 JobContext& ctx, int batchSize) {
  if (data.size() < 20) throw UsageError("calibration needs at least 20 samples, got " + std::to_string(data.size()));
  CertificateCalibration cal;
  cal.geometry = env.geometry().toJson();
  cal.geometryFingerprint = env.geometry().fingerprint();
  cal.modelId = model.id();
  cal.modelFingerprint = model.fingerprint();
  for (const auto& p : suite.properties()) {
    PropertyCalibration& pc = cal.properties[p->name()];
    pc.source = p->calibrationSource() == CertificateProperty::Source::GroundTruth ? "ground_truth"
                                                                                   : "inference:" + model.id();
    pc.pPass = pPass;
    pc.pFail = pFail;
    pc.exactTolerance = p->exactTolerance();
  }
  for (int64_t first = 0; first < data.size(); first += batchSize) {
    ctx.throwIfCancelled();
    const int64_t n = std::min<int64_t>(batchSize, data.size() - first);
    std::vector<Sample> samples;
    for (int64_t i = 0; i < n; ++i) samples.push_back(data.get(first + i));
    std::vector<torch::Tensor> sinos;
    for (auto& s : samples) {
      if (!s.image.defined()) throw InputError(s.name, "calibration needs ground-truth images");
      sinos.push_back(s.sinogram);
    }
    JobContext inner(ctx.name(), &ctx);
    const ReconstructionOutput out = model.reconstruct(torch::stack(sinos), inner);
    for (int64_t i = 0; i < n; ++i) {
      CertificateInput truth{samples[i].image, samples[i].sinogram, env.op.get(), std::nullopt};
      const CertificateInput inferred = certificateInput(out, i, samples[i].sinogram, *env.op);
      for (const auto& p : suite.properties()) {
        const bool fromTruth = p->calibrationSource() == CertificateProperty::Source::GroundTruth;
        if (auto v = p->evaluate(fromTruth ? truth : inferred)) cal.properties[p->name()].values.push_back(v->value);
      }
    }
    ctx.report(double(first + n) / data.size(), "calibrated " + std::to_string(first + n) + " of " +
                                                    std::to_string(data.size()) + " samples");
  }
  for (auto it = cal.properties.begin(); it != cal.properties.end();) {
    std::sort(it->second.values.begin(), it->second.values.end());
    it = it->second.values.empty() ? cal.properties.erase(it) : std::next(it);
  }
  return cal;
}

}  // namespace trustct
