#include "certs/CertificateProperty.h"

#include <torch/torch.h>

#include <cctype>

namespace trustct {

std::string CertificateProperty::finding() const { return "scores higher on " + title(); }

std::string CertificateProperty::advice() const {
  return "Compare the image with the other methods before relying on it.";
}

std::string CertificateProperty::srCode() const {
  std::string code = name().substr(0, 16);
  for (auto& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return code;
}

std::string BoxConstraintProperty::description() const {
  return "Distance of the image to the valid intensity range [0, 1]: pixels outside it are not physical. Pixels "
         "within one display grey level (1/255) of the range are not counted.";
}

std::optional<PropertyValue> BoxConstraintProperty::evaluate(const CertificateInput& in) const {
  const torch::Tensor x = in.image.detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor outside = x - x.clamp(-kSlack, 1.0 + kSlack);
  PropertyValue v;
  v.value = outside.norm().item<double>();
  v.extras["percent_outside"] = 100.0 * (outside != 0).to(torch::kFloat64).mean().item<double>();
  return v;
}

std::string FidelityProperty::description() const {
  return "Relative mismatch between the measured sinogram and the projection of the image, ||Ax - d|| / ||d||.";
}

std::optional<PropertyValue> FidelityProperty::evaluate(const CertificateInput& in) const {
  torch::NoGradGuard noGrad;
  const torch::Tensor d = in.sinogram.detach().to(torch::kCPU, torch::kFloat32);
  const torch::Tensor ax = in.op->forward(in.image.detach().to(torch::kCPU, torch::kFloat32).unsqueeze(0)).squeeze(0);
  const double dn = d.to(torch::kFloat64).norm().item<double>();
  return PropertyValue{(ax - d).to(torch::kFloat64).norm().item<double>() / (dn > 0 ? dn : 1.0), {}};
}

std::string TotalVariationProperty::description() const {
  return "Total variation ||grad x||_1: large values mean noise or streaks that a smooth anatomy would not have.";
}

std::optional<PropertyValue> TotalVariationProperty::evaluate(const CertificateInput& in) const {
  const torch::Tensor x = in.image.detach().to(torch::kCPU, torch::kFloat64);
  const int64_t h = x.size(-2), w = x.size(-1);
  const double tv = (x.narrow(-1, 1, w - 1) - x.narrow(-1, 0, w - 1)).abs().sum().item<double>() +
                    (x.narrow(-2, 1, h - 1) - x.narrow(-2, 0, h - 1)).abs().sum().item<double>();
  return PropertyValue{tv, {}};
}

std::string IterateResidualProperty::description() const {
  return "Change of the image in the last iteration: a large value means the solver stopped before converging.";
}

std::optional<PropertyValue> IterateResidualProperty::evaluate(const CertificateInput& in) const {
  if (!in.iterateResidual) return std::nullopt;
  return PropertyValue{*in.iterateResidual, {}};
}

CertificateSuite CertificateSuite::standard() {
  CertificateSuite s;
  s.add(std::make_shared<BoxConstraintProperty>());
  s.add(std::make_shared<FidelityProperty>());
  s.add(std::make_shared<TotalVariationProperty>());
  s.add(std::make_shared<IterateResidualProperty>());
  return s;
}

void CertificateSuite::add(std::shared_ptr<const CertificateProperty> property) {
  for (auto& p : properties_)
    if (p->name() == property->name()) {
      p = std::move(property);
      return;
    }
  properties_.push_back(std::move(property));
}

const CertificateProperty* CertificateSuite::find(const std::string& name) const {
  for (const auto& p : properties_)
    if (p->name() == name) return p.get();
  return nullptr;
}

}  // namespace trustct
