#include "certs/Certifier.h"

#include <torch/torch.h>

#include <filesystem>

#include "certs/CertifiedReconstruction.h"
#include "certs/DataRegularization.h"
#include "recon/Errors.h"
#include "recon/Job.h"
#include "recon/MethodRegistry.h"

namespace trustct {

Certifier::Certifier(CertificateSuite suite, CertificateCalibration calibration)
    : suite_(std::move(suite)), calibration_(std::move(calibration)) {}

CertificateReport Certifier::certify(const std::string& method, const CertificateInput& in) const {
  CertificateReport report;
  report.method = method;
  for (const auto& property : suite_.properties()) {
    const PropertyCalibration* cal = calibration_.find(property->name());
    if (!cal) continue;
    const std::optional<PropertyValue> v = property->evaluate(in);
    if (!v) continue;
    Certificate c{property->name(), v->value, cal->cdf(v->value), cal->label(v->value), v->extras};
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
  return Certifier(std::move(suite), std::move(cal));
}

Certifier Certifier::loadDefault(const ReconstructionEnvironment& env) { return load(defaultCalibrationPath(env), env); }

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
