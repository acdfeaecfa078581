#include "certs/DataRegularization.h"

#include <torch/torch.h>

#include "recon/learned/models/LearnedMethods.h"

namespace trustct {

DataRegularizationProperty::DataRegularizationProperty(ConvL2ONet net) : net_(std::move(net)) {}

std::string DataRegularizationProperty::description() const {
  return "Distance ||Kx - R(Kx)|| of the image's features from a fixed point of the learned regulariser: large "
         "values mean the image does not look like the images the model learned from.";
}

std::optional<PropertyValue> DataRegularizationProperty::evaluate(const CertificateInput& in) const {
  torch::NoGradGuard noGrad;
  const torch::Tensor x = in.image.detach().to(net_->parameters().front().device(), torch::kFloat32);
  return PropertyValue{net_->regularizationResidual(x.view({1, 1, x.size(-2), x.size(-1)})).item<double>(), {}};
}

CertificateSuite suiteForModel(const ReconstructionMethod& model) {
  CertificateSuite suite = CertificateSuite::standard();
  if (const auto* learned = dynamic_cast<const LearnedMethod*>(&model))
    if (const auto* l2o = dynamic_cast<const L2OModel*>(&learned->model()))
      suite.add(std::make_shared<DataRegularizationProperty>(l2o->net()));
  return suite;
}

}  // namespace trustct
