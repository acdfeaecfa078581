#include "certs/CertifiedReconstruction.h"

#include <torch/torch.h>

#include <stdexcept>

#include "certs/Certifier.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Metrics.h"
#include "recon/core/Runtime.h"

namespace trustct {

AlgorithmInfo AlgorithmInfo::of(const ReconstructionMethod& method, const Certifier* certifier) {
  return {method.id(), method.displayName(), method.fingerprint(), "TrustCT " + versionString(),
          certifier ? certifier->calibration().fingerprint() : std::string()};
}

CertificateReport CertifiedResult::measuredReport() const {
  if (!report) throw std::logic_error(algorithm.id + ": the result has no certificates (no calibration)");
  CertificateReport r = *report;
  r.psnr = psnr;
  r.ssim = ssim;
  r.iterations = iterations;
  r.converged = converged;
  return r;
}

CertificateInput certificateInput(const ReconstructionOutput& out, int64_t i, const torch::Tensor& sinogram,
                                  const RadonOperator& op) {
  CertificateInput in{out.images[i], sinogram, &op, std::nullopt};
  if (!out.iterateResidual.empty()) in.iterateResidual = out.iterateResidual[i];
  if (!out.converged.empty()) in.converged = bool(out.converged[i]);
  return in;
}

CertifiedReconstruction::CertifiedReconstruction(const ReconstructionMethod& method, const Certifier* certifier,
                                                 const RadonOperator& op)
    : method_(method), certifier_(certifier), op_(op), algorithm_(AlgorithmInfo::of(method, certifier)) {}

std::vector<CertifiedResult> CertifiedReconstruction::run(const torch::Tensor& sinograms,
                                                          const std::vector<torch::Tensor>& references,
                                                          JobContext& ctx) const {
  const int64_t n = sinograms.size(0);
  if (!references.empty() && int64_t(references.size()) != n)
    throw UsageError("expected one reference per sinogram, got " + std::to_string(references.size()) + " for " +
                     std::to_string(n));
  const ReconstructionOutput out = method_.reconstruct(sinograms, ctx);
  ctx.throwIfCancelled();
  std::vector<CertifiedResult> results;
  for (int64_t i = 0; i < n; ++i) {
    CertifiedResult r;
    r.algorithm = algorithm_;
    r.image = out.images[i];
    r.seconds = out.seconds / double(n);
    if (!out.iterations.empty()) {
      r.iterations = out.iterations[i];
      r.converged = bool(out.converged[i]);
    }
    if (certifier_) r.report = certifier_->certify(method_.id(), certificateInput(out, i, sinograms[i], op_));
    if (!references.empty() && references[i].defined()) {
      r.psnr = psnr(r.image, references[i]);
      r.ssim = ssim(r.image, references[i]);
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace trustct
