#pragma once
// Properties a reconstruction is certified on. Each maps (image, data) to a value ≥ 0 where small is
// good, and names the part of the model it checks so a failed badge can say what to distrust.
#include <torch/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/geometry/RadonOperator.h"

namespace trustct {

struct CertificateInput {
  torch::Tensor image;      // (H, W)
  torch::Tensor sinogram;   // (angles, bins), the measured data d
  const RadonOperator* op = nullptr;
  std::optional<double> iterateResidual;  // iterative methods only
  std::optional<bool> converged;          // iterative methods: the solver's own tolerance reached
};

struct PropertyValue {
  double value = 0;
  std::map<std::string, double> extras;
};

class CertificateProperty {
 public:
  virtual ~CertificateProperty() = default;
  virtual std::string name() const = 0;         // key in JSON: box, fidelity, ...
  virtual std::string title() const = 0;        // badge text: "Box constraint"
  virtual std::string modelPart() const = 0;    // what a failure flags: "constraint", "measurements", ...
  virtual std::string description() const = 0;  // one sentence for the explanation dialog
  // Plain words for a radiologist (certs/CertificateExplanation.h): how a high value reads, completing
  // "The image … than 97 % of correct images do", and what to do when the property fails.
  virtual std::string finding() const;
  virtual std::string advice() const;
  // nullopt when the property does not apply (e.g. iterate residual of a direct method).
  virtual std::optional<PropertyValue> evaluate(const CertificateInput& in) const = 0;
  // Values at or below this pass outright: the property is satisfied exactly (box distance 0 is not
  // "at the 100th percentile of a calibration set of zeros"). Negative: no such tolerance.
  virtual double exactTolerance() const { return -1; }
  // Where calibration values come from: ground truths of the calibration set (what a correct image
  // scores) or inferences of the certifying model (what a normal output of the model scores).
  enum class Source { GroundTruth, Inference };
  virtual Source calibrationSource() const { return Source::GroundTruth; }
  // A property that is a fact about this run rather than a comparison with calibration data returns
  // its label here (the calibration then only places the value); nullopt: the calibrated CDF decides.
  virtual std::optional<bool> satisfied(const CertificateInput&) const { return std::nullopt; }
  // False for properties of iterations only (a calibration made with a direct method has no values for them).
  virtual bool appliesToDirectMethods() const { return true; }
  // The code value (SH, at most 16 characters, TrustCT's local scheme) of the property's concept in the
  // certificate SR, whose meaning is "Certificate: " + title(). The default is the upper-cased name.
  virtual std::string srCode() const;
};

// Distance ‖x − proj_[−s, 1+s](x)‖₂ of the image to the box widened by the slack s; extra: percent_outside
// (pixels beyond the slack). A pixel within one grey level of an 8-bit display of [0, 1] is not an artefact
// anyone can see, and an unclamped network leaves many such pixels; the papers' 5.75 % box fails for their
// U-Net (no output activation) are only possible with such a tolerance.
class BoxConstraintProperty : public CertificateProperty {
 public:
  static constexpr double kSlack = 1.0 / 255;
  std::string finding() const override { return "strays further outside the physical range of attenuation values"; }
  std::string advice() const override {
    return "Values outside the physical range are artefacts: check bright or dark spots and edges against another method before reading them.";
  }
  std::string name() const override { return "box"; }
  std::string title() const override { return "Box constraint"; }
  std::string modelPart() const override { return "constraint"; }
  std::string description() const override;
  std::optional<PropertyValue> evaluate(const CertificateInput& in) const override;
  double exactTolerance() const override { return 1e-6; }
};

// Relative data misfit ‖Ax − d‖ / ‖d‖.
class FidelityProperty : public CertificateProperty {
 public:
  std::string finding() const override { return "disagrees more with the measured data"; }
  std::string advice() const override {
    return "The image is not what the scanner measured: do not rely on fine structures; compare with TV-Min or FBP, which fit the data.";
  }
  std::string name() const override { return "fidelity"; }
  std::string title() const override { return "Fidelity"; }
  std::string modelPart() const override { return "measurements"; }
  std::string description() const override;
  std::optional<PropertyValue> evaluate(const CertificateInput& in) const override;
};

// Anisotropic total variation ‖∇x‖₁ (forward differences).
class TotalVariationProperty : public CertificateProperty {
 public:
  std::string finding() const override { return "is noisier or more streaked"; }
  std::string advice() const override {
    return "Noise or streaks can hide or mimic small findings: compare with a smoother method and widen the window.";
  }
  std::string name() const override { return "total_variation"; }
  std::string title() const override { return "Total variation"; }
  std::string srCode() const override { return "TV"; }
  std::string modelPart() const override { return "smoothness"; }
  std::string description() const override;
  std::optional<PropertyValue> evaluate(const CertificateInput& in) const override;
};

// ‖x^k − x^{k−1}‖₂ at the last iteration of an iterative method. Its label says whether the solver
// reached its own tolerance (pass) or stopped at the cap before it (fail): a calibration of residuals
// would pass an unconverged image whenever the calibration set did not converge either.
class IterateResidualProperty : public CertificateProperty {
 public:
  std::string finding() const override { return "changed more in its last iteration"; }
  std::string advice() const override {
    return "The solver stopped before settling, so the image may still change: treat fine detail with caution or reconstruct with a higher iteration cap.";
  }
  std::string name() const override { return "iterate_residual"; }
  std::string title() const override { return "Convergence"; }
  std::string srCode() const override { return "ITER-RESIDUAL"; }
  std::string modelPart() const override { return "convergence"; }
  std::string description() const override;
  std::optional<PropertyValue> evaluate(const CertificateInput& in) const override;
  Source calibrationSource() const override { return Source::Inference; }
  std::optional<bool> satisfied(const CertificateInput& in) const override { return in.converged; }
  bool appliesToDirectMethods() const override { return false; }
};

// The ordered set of properties certified; learned models add the data-driven regulariser.
class CertificateSuite {
 public:
  static CertificateSuite standard();  // box, fidelity, total_variation, iterate_residual
  void add(std::shared_ptr<const CertificateProperty> property);  // replaces one of the same name
  const std::vector<std::shared_ptr<const CertificateProperty>>& properties() const { return properties_; }
  const CertificateProperty* find(const std::string& name) const;

 private:
  std::vector<std::shared_ptr<const CertificateProperty>> properties_;
};

}  // namespace trustct
