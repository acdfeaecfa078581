#pragma once
// The data-driven regularisation certificate of XAI-L2O: ‖Kx − R(Kx)‖₂ with the K and R of a trained L2O
// model (Scale_L2O by default). R is the learned prox of the regulariser, so Kx is a fixed point of R
// exactly when x looks like the images the model was trained on; the value is evaluated on every
// method's output and labelled from inferences of the model itself.
#include <memory>

#include "certs/CertificateProperty.h"
#include "recon/learned/models/Networks.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class DataRegularizationProperty : public CertificateProperty {
 public:
  explicit DataRegularizationProperty(ConvL2ONet net);
  std::string name() const override { return "data_regularization"; }
  std::string title() const override { return "Data-driven regularisation"; }
  std::string srCode() const override { return "DATA-REG"; }
  std::string modelPart() const override { return "learned prior"; }
  std::string description() const override;
  std::string finding() const override { return "looks less like the images the learned model was trained on"; }
  std::string advice() const override {
    return "The case may be unlike the training data (another anatomy, dose or scanner): prefer a classical method "
           "such as TV-Min for it.";
  }
  std::optional<PropertyValue> evaluate(const CertificateInput& in) const override;
  Source calibrationSource() const override { return Source::Inference; }

 private:
  ConvL2ONet net_;
};

// The certificate suite a certifying model supports: the standard one, plus the data-driven
// regulariser when the model is a learned L2O model (its K and R).
CertificateSuite suiteForModel(const ReconstructionMethod& model);

}  // namespace trustct
