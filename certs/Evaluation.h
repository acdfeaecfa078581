#pragma once
// Runs methods over a data set, certifies every output and aggregates the papers' comparison table:
// mean PSNR / SSIM, percentage of fail labels per property, parameter count, time per slice.
// Each image is certified through CertifiedReconstruction, the path the GUI and `trustct-cli reconstruct`
// and `export` take for one case. Used by `trustct-cli evaluate` and `demo`.
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "certs/Certifier.h"

namespace trustct {

struct SampleResult {
  std::string name;
  torch::Tensor image;  // (H, W) reconstruction
  CertificateReport report;
};

struct MethodSummary {
  std::string method, displayName;
  int64_t params = 0;
  int64_t count = 0;
  double psnr = 0, ssim = 0;                  // means over samples with a ground truth
  double psnrStd = 0, ssimStd = 0;            // their (population) standard deviations
  std::map<std::string, double> failPercent;  // per property
  double msPerSlice = 0;
  // Iterative methods: share of samples that reached the method's tolerance, mean and largest iteration count.
  std::optional<double> convergedPercent, meanIterations;
  int maxIterations = 0;

  nlohmann::json toJson() const;
};

class Evaluator {
 public:
  Evaluator(ReconstructionEnvironment env, const Certifier& certifier);
  // Reconstructs `data` in batches, certifies each output; per-sample results go to `perSample` if given.
  MethodSummary evaluate(const ReconstructionMethod& method, const Dataset& data, int batchSize, JobContext& ctx,
                         std::vector<SampleResult>* perSample = nullptr) const;

 private:
  ReconstructionEnvironment env_;
  const Certifier& certifier_;
};

// | Method | PSNR dB | SSIM | Box fail | Fidelity fail | ... | Params | ms/slice |
std::string markdownTable(const std::vector<MethodSummary>& rows, const std::vector<std::string>& properties);

}  // namespace trustct
