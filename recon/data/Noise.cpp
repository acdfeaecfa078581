#include "recon/data/Noise.h"

#include <torch/torch.h>

#include <cmath>
#include <sstream>

#include "recon/core/Errors.h"

namespace trustct {

NoiseModel NoiseModel::parse(const std::string& kind, double level) {
  NoiseModel m;
  m.level = level;
  if (kind == "gaussian") m.kind = Kind::Gaussian;
  else if (kind == "per-ray") m.kind = Kind::PerRay;
  else if (kind == "poisson") m.kind = Kind::Poisson;
  else if (kind == "none") m.kind = Kind::None;
  else throw UsageError("unknown noise model '" + kind + "' (expected gaussian, per-ray, poisson or none)");
  if (!(level >= 0) || !std::isfinite(level)) throw UsageError("noise level must be a number >= 0");
  return m;
}

std::string NoiseModel::describe() const {
  std::ostringstream s;
  switch (kind) {
    case Kind::None: return "none";
    case Kind::Gaussian: s << "gaussian " << level * 100 << " % of mean |Ax|"; break;
    case Kind::PerRay: s << "per-ray gaussian " << level * 100 << " % of |Ax|"; break;
    case Kind::Poisson: s << "poisson " << photons << " photons"; break;
  }
  return s.str();
}

torch::Tensor addNoise(const torch::Tensor& sinogram, const NoiseModel& model, Rng& rng) {
  torch::Tensor clean = sinogram.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  torch::Tensor out = clean.clone();
  double* p = out.data_ptr<double>();
  const int64_t n = out.numel();
  switch (model.kind) {
    case NoiseModel::Kind::None: break;
    case NoiseModel::Kind::Gaussian: {
      const double sigma = model.level * clean.abs().mean().item<double>();
      for (int64_t i = 0; i < n; ++i) p[i] += sigma * rng.normal();
      break;
    }
    case NoiseModel::Kind::PerRay:
      for (int64_t i = 0; i < n; ++i) p[i] += model.level * std::fabs(p[i]) * rng.normal();
      break;
    case NoiseModel::Kind::Poisson:
      for (int64_t i = 0; i < n; ++i) {
        const double mu = p[i] * model.attenuationPerUnit;
        double counts = static_cast<double>(rng.poisson(model.photons * std::exp(-mu)));
        if (counts <= 0) counts = 0.1;
        p[i] = -std::log(counts / model.photons) / model.attenuationPerUnit;
      }
      break;
  }
  return out.to(sinogram.device(), torch::kFloat32);
}

}  // namespace trustct
