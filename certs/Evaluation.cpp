#include "certs/Evaluation.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "certs/CertifiedReconstruction.h"
#include "recon/core/Job.h"

namespace trustct {

nlohmann::json MethodSummary::toJson() const {
  nlohmann::json j = {{"method", method}, {"name", displayName}, {"count", count},     {"psnr", psnr},
                      {"ssim", ssim},     {"psnr_std", psnrStd}, {"ssim_std", ssimStd},
                      {"fail_percent", failPercent},             {"params", params},
                      {"ms_per_slice", msPerSlice}};
  if (convergedPercent) {
    j["converged_percent"] = *convergedPercent;
    j["mean_iterations"] = *meanIterations;
    j["max_iterations"] = maxIterations;
  }
  return j;
}

Evaluator::Evaluator(ReconstructionEnvironment env, const Certifier& certifier)
    : env_(std::move(env)), certifier_(certifier) {}

MethodSummary Evaluator::evaluate(const ReconstructionMethod& method, const Dataset& data, int batchSize,
                                  JobContext& ctx, std::vector<SampleResult>* perSample) const {
  MethodSummary s;
  s.method = method.id();
  s.displayName = method.displayName();
  s.params = method.parameterCount();
  for (const auto& p : certifier_.suite().properties())
    if (certifier_.calibration().find(p->name())) s.failPercent[p->name()] = 0;
  std::map<std::string, int64_t> applicable;
  int64_t withTruth = 0, iterative = 0, converged = 0;
  double seconds = 0, iterations = 0, psnrSquares = 0, ssimSquares = 0;
  const CertifiedReconstruction certified(method, &certifier_, *env_.op);
  for (int64_t first = 0; first < data.size(); first += batchSize) {
    ctx.throwIfCancelled();
    const int64_t n = std::min<int64_t>(batchSize, data.size() - first);
    std::vector<Sample> samples;
    std::vector<torch::Tensor> sinos, references;
    for (int64_t i = 0; i < n; ++i) {
      samples.push_back(data.get(first + i));
      sinos.push_back(samples.back().sinogram);
      references.push_back(samples.back().image);
    }
    JobContext inner(method.displayName(), &ctx);
    const std::vector<CertifiedResult> results = certified.run(torch::stack(sinos), references, inner);
    for (int64_t i = 0; i < n; ++i) {
      const CertifiedResult& result = results[i];
      seconds += result.seconds;
      if (result.iterations) {
        ++iterative;
        converged += *result.converged ? 1 : 0;
        iterations += *result.iterations;
        s.maxIterations = std::max(s.maxIterations, *result.iterations);
      }
      if (result.psnr) {
        s.psnr += *result.psnr;
        s.ssim += *result.ssim;
        psnrSquares += *result.psnr * *result.psnr;
        ssimSquares += *result.ssim * *result.ssim;
        ++withTruth;
      }
      for (const auto& c : result.report->certificates) {
        ++applicable[c.property];
        if (c.label == Label::Fail) s.failPercent[c.property] += 1;
      }
      if (perSample) perSample->push_back({samples[i].name, result.image, result.measuredReport()});
    }
    s.count += n;
    ctx.report(double(s.count) / data.size(), method.displayName() + ": " + std::to_string(s.count) + " of " +
                                                  std::to_string(data.size()));
  }
  for (auto it = s.failPercent.begin(); it != s.failPercent.end();) {
    const int64_t m = applicable[it->first];
    if (m == 0) {
      it = s.failPercent.erase(it);
      continue;
    }
    it->second = 100.0 * it->second / double(m);
    ++it;
  }
  if (withTruth) {
    s.psnr /= double(withTruth);
    s.ssim /= double(withTruth);
    s.psnrStd = std::sqrt(std::max(0.0, psnrSquares / double(withTruth) - s.psnr * s.psnr));
    s.ssimStd = std::sqrt(std::max(0.0, ssimSquares / double(withTruth) - s.ssim * s.ssim));
  }
  s.msPerSlice = s.count ? 1000.0 * seconds / double(s.count) : 0;
  if (iterative) {
    s.convergedPercent = 100.0 * double(converged) / double(iterative);
    s.meanIterations = iterations / double(iterative);
  }
  return s;
}

std::string markdownTable(const std::vector<MethodSummary>& rows, const std::vector<std::string>& properties) {
  std::string out = "| Method | PSNR dB | SSIM |";
  std::string rule = "|---|---|---|";
  for (const auto& p : properties) {
    out += " " + p + " fail % |";
    rule += "---|";
  }
  out += " Converged % | Iterations (mean / max) | Params | ms/slice |\n" + rule + "---|---|---|---|\n";
  char buf[64];
  for (const auto& r : rows) {
    std::snprintf(buf, sizeof buf, "| %s | %.2f | %.3f |", r.displayName.c_str(), r.psnr, r.ssim);
    out += buf;
    for (const auto& p : properties) {
      auto it = r.failPercent.find(p);
      if (it == r.failPercent.end()) out += " n/a |";
      else {
        std::snprintf(buf, sizeof buf, " %.2f |", it->second);
        out += buf;
      }
    }
    if (r.convergedPercent) {
      std::snprintf(buf, sizeof buf, " %.1f | %.1f / %d |", *r.convergedPercent, *r.meanIterations, r.maxIterations);
      out += buf;
    } else {
      out += " n/a | n/a |";
    }
    std::snprintf(buf, sizeof buf, " %lld | %.1f |\n", static_cast<long long>(r.params), r.msPerSlice);
    out += buf;
  }
  return out;
}

}  // namespace trustct
