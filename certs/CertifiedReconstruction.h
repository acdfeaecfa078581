#pragma once
// The one path from a method's output to a certified result, shared by the GUI, the CLI, the evaluation
// and the export: per image the certificate report (XAI-L2O, "Trustworthiness certificates"), PSNR/SSIM
// against a reference when there is one, and what made the image — the method's id, name and fingerprint
// and the calibration's fingerprint — captured when the method ran, so an export made later names the
// weights that produced the image, not the ones on disk at export time.
#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "certs/Certificate.h"
#include "certs/CertificateProperty.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class Certifier;
class JobContext;

// The method as the exported equipment attributes and SR describe it.
struct AlgorithmInfo {
  std::string id, name;
  std::string fingerprint;             // the method's parameters (SHA-256 of the weights for learned models)
  std::string softwareVersion;         // "TrustCT <version>"
  std::string calibrationFingerprint;  // the calibration that labelled the certificates; empty without one

  static AlgorithmInfo of(const ReconstructionMethod& method, const Certifier* certifier);
};

struct CertifiedResult {
  AlgorithmInfo algorithm;
  torch::Tensor image;                      // (H, W) reconstruction in μ/μ_max, on the CPU
  std::optional<CertificateReport> report;  // the certifier's labels; empty without a certifier
  std::optional<double> psnr, ssim;         // against the reference, when one was given
  std::optional<int> iterations;            // iterative methods: iterations to tolerance (or the cap)
  std::optional<bool> converged;            // iterative methods: the method's tolerance reached
  double seconds = 0;                       // wall time per slice of the batch it was reconstructed in

  // The report with the metrics above, as `reconstruct --certificates` and `evaluate --per-image` write it.
  CertificateReport measuredReport() const;
};

// What the certificate properties see of sample i of `out`, reconstructed from `sinogram`.
CertificateInput certificateInput(const ReconstructionOutput& out, int64_t i, const torch::Tensor& sinogram,
                                  const RadonOperator& op);

class CertifiedReconstruction {
 public:
  // `certifier` may be null (no calibration): results then carry metrics but no report.
  CertifiedReconstruction(const ReconstructionMethod& method, const Certifier* certifier, const RadonOperator& op);

  // Reconstructs sinograms (B, angles, bins) and certifies each image; `references` is empty or holds one
  // (H, W) tensor per sinogram, undefined where there is none. Throws CancelledError if ctx is cancelled,
  // also when the method finished just as the cancel came.
  std::vector<CertifiedResult> run(const torch::Tensor& sinograms, const std::vector<torch::Tensor>& references,
                                   JobContext& ctx) const;

  const AlgorithmInfo& algorithm() const { return algorithm_; }

 private:
  const ReconstructionMethod& method_;
  const Certifier* certifier_;
  const RadonOperator& op_;
  AlgorithmInfo algorithm_;
};

}  // namespace trustct
