#include "recon/methods/Fbp.h"

#include <torch/torch.h>

#include <cmath>

#include "recon/core/Errors.h"

namespace trustct {

FbpFilter parseFbpFilter(const std::string& name) {
  if (name == "ram-lak") return FbpFilter::RamLak;
  if (name == "shepp-logan") return FbpFilter::SheppLogan;
  if (name == "hann") return FbpFilter::Hann;
  throw UsageError("unknown FBP filter '" + name + "' (expected ram-lak, shepp-logan or hann)");
}

std::string fbpFilterName(FbpFilter f) {
  switch (f) {
    case FbpFilter::RamLak: return "ram-lak";
    case FbpFilter::SheppLogan: return "shepp-logan";
    case FbpFilter::Hann: return "hann";
  }
  return "?";
}

FilteredBackProjection::FilteredBackProjection(std::shared_ptr<const RadonOperator> op, FbpFilter filter)
    : op_(std::move(op)), filter_(filter) {
  const Geometry& g = op_->geometry();
  const double tau = g.binWidth();
  paddedLength_ = 64;
  while (paddedLength_ < 2 * g.numBins) paddedLength_ *= 2;
  // Spatial Ram-Lak kernel on the circular index range, then its (real, even) spectrum.
  torch::Tensor h = torch::zeros({paddedLength_}, torch::kFloat64);
  auto hp = h.accessor<double, 1>();
  for (int64_t i = 0; i < paddedLength_; ++i) {
    const int64_t nIdx = i <= paddedLength_ / 2 ? i : i - paddedLength_;
    if (nIdx == 0) hp[i] = 1.0 / (4 * tau * tau);
    else if (nIdx % 2 != 0) hp[i] = -1.0 / (M_PI * M_PI * double(nIdx * nIdx) * tau * tau);
  }
  torch::Tensor spectrum = torch::real(torch::fft::rfft(h)) * tau;
  auto sp = spectrum.accessor<double, 1>();
  for (int64_t i = 1; i < spectrum.size(0); ++i) {
    const double f = double(i) / paddedLength_;  // cycles per sample, (0, 0.5]
    if (filter_ == FbpFilter::SheppLogan) sp[i] *= std::sin(M_PI * f) / (M_PI * f);
    if (filter_ == FbpFilter::Hann) sp[i] *= 0.5 * (1 + std::cos(2 * M_PI * f));
  }
  response_ = spectrum.to(torch::kFloat32);

  // Back-projector: pixel-driven, linear interpolation between bin centres, weight π/numAngles.
  const int n = g.imageSize;
  CsrData b;
  b.rows = g.numPixels();
  b.cols = g.numRays();
  b.rowPtr.assign(b.rows + 1, 0);
  const double w = M_PI / g.numAngles, half = g.halfWidth();
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      const double x = -half + (c + 0.5) * g.pixelSize, y = half - (r + 0.5) * g.pixelSize;
      for (int k = 0; k < g.numAngles; ++k) {
        const double s = x * std::cos(g.angle(k)) + y * std::sin(g.angle(k));
        const double u = (s + g.rho()) / tau - 0.5;
        const int i0 = int(std::floor(u));
        const double frac = u - i0;
        if (i0 >= 0 && i0 < g.numBins) {
          b.colIdx.push_back(k * g.numBins + i0);
          b.values.push_back(float(w * (1 - frac)));
        }
        if (i0 + 1 >= 0 && i0 + 1 < g.numBins) {
          b.colIdx.push_back(k * g.numBins + i0 + 1);
          b.values.push_back(float(w * frac));
        }
      }
      b.rowPtr[int64_t(r) * n + c + 1] = b.nnz();
    }
  backProjector_ = SparseMatrix(std::move(b));
}

torch::Tensor FilteredBackProjection::reconstruct(const torch::Tensor& sinograms) const {
  const Geometry& g = op_->geometry();
  op_->checkSinogramShape(sinograms, "FBP input");
  torch::NoGradGuard noGrad;
  std::vector<int64_t> outShape(sinograms.sizes().begin(), sinograms.sizes().end() - 2);
  outShape.push_back(g.imageSize);
  outShape.push_back(g.imageSize);
  // Back to line integrals in length units, then filter each projection.
  torch::Tensor p = sinograms.reshape({-1, g.numAngles, g.numBins}).to(torch::kFloat32) * op_->normalization();
  torch::Tensor spec = torch::fft::rfft(p, paddedLength_, -1);
  spec = spec * response_.to(p.device());
  torch::Tensor q = torch::fft::irfft(spec, paddedLength_, -1).narrow(-1, 0, g.numBins).contiguous();
  torch::Tensor x = backProjector_.multiply(q.view({q.size(0), -1}));
  return x.view(outShape);
}

}  // namespace trustct
