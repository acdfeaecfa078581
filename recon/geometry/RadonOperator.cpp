#include "recon/geometry/RadonOperator.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "recon/core/Errors.h"

namespace trustct {
namespace {

// Autograd: y = M x with backward Mᵀ g, and the mirror image for the adjoint. The matrix travels as a
// raw pointer in saved_data: it is owned by the RadonOperator, which outlives every graph built on it.
struct SparseApply : torch::autograd::Function<SparseApply> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               int64_t matrixPtr, bool transposed) {
    ctx->saved_data["m"] = matrixPtr;
    ctx->saved_data["t"] = transposed;
    const auto* m = reinterpret_cast<const SparseMatrix*>(matrixPtr);
    return transposed ? m->multiplyTransposed(x) : m->multiply(x);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto* m = reinterpret_cast<const SparseMatrix*>(ctx->saved_data["m"].toInt());
    const bool transposed = ctx->saved_data["t"].toBool();
    torch::Tensor g = grads[0].contiguous();
    return {transposed ? m->multiply(g) : m->multiplyTransposed(g), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

RadonOperator::RadonOperator(const Geometry& geometry) : geometry_(geometry) {
  geometry_.validate();
  CsrData csr = buildRayDriven(geometry_);
  sigmaMax_ = largestSingularValue(SparseMatrix(csr));
  csr.scale(1.0 / sigmaMax_);
  matrix_ = SparseMatrix(std::move(csr));
}

std::shared_ptr<const RadonOperator> RadonOperator::forGeometry(const Geometry& geometry) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const RadonOperator>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[geometry.fingerprint()];
  if (!slot) slot = std::make_shared<RadonOperator>(geometry);
  return slot;
}

CsrData RadonOperator::buildRayDriven(const Geometry& g) {
  const int n = g.imageSize;
  const double px = g.pixelSize, half = g.halfWidth();
  CsrData csr;
  csr.rows = g.numRays();
  csr.cols = g.numPixels();
  csr.rowPtr.assign(csr.rows + 1, 0);
  std::vector<double> ts;
  std::vector<std::pair<int32_t, float>> entries;
  for (int k = 0; k < g.numAngles; ++k) {
    for (int j = 0; j < g.numBins; ++j) {
      const int64_t row = int64_t(k) * g.numBins + j;
      const Ray ray = g.ray(k, j);
      const double x0 = ray.x0, y0 = ray.y0, dx = ray.dx, dy = ray.dy, tmin = ray.tmin, tmax = ray.tmax;
      entries.clear();
      if (!ray.empty()) {
        ts.assign({tmin, tmax});
        for (int i = 1; i < n; ++i) {
          const double line = -half + i * px;
          if (std::fabs(dx) > 1e-12) {
            const double t = (line - x0) / dx;
            if (t > tmin && t < tmax) ts.push_back(t);
          }
          if (std::fabs(dy) > 1e-12) {
            const double t = (line - y0) / dy;
            if (t > tmin && t < tmax) ts.push_back(t);
          }
        }
        std::sort(ts.begin(), ts.end());
        for (size_t q = 0; q + 1 < ts.size(); ++q) {
          const double len = ts[q + 1] - ts[q];
          if (len < 1e-9) continue;
          const double tm = 0.5 * (ts[q] + ts[q + 1]);
          const int col = std::clamp(int(std::floor((x0 + tm * dx + half) / px)), 0, n - 1);
          const int rowPix = std::clamp(int(std::floor((half - (y0 + tm * dy)) / px)), 0, n - 1);
          entries.emplace_back(rowPix * n + col, static_cast<float>(len));
        }
        std::sort(entries.begin(), entries.end());
      }
      for (auto& [col, len] : entries) {
        if (!csr.colIdx.empty() && csr.rowPtr[row] < int64_t(csr.colIdx.size()) && csr.colIdx.back() == col) {
          csr.values.back() += len;  // two segments in one pixel (a ray through a grid corner)
          continue;
        }
        csr.colIdx.push_back(col);
        csr.values.push_back(len);
      }
      csr.rowPtr[row + 1] = static_cast<int64_t>(csr.values.size());
    }
  }
  return csr;
}

double RadonOperator::largestSingularValue(const SparseMatrix& m, int maxIterations, double relTol) {
  torch::NoGradGuard noGrad;
  // Deterministic, strictly positive start: has a component along the top singular vector.
  torch::Tensor x = torch::linspace(1.0, 2.0, m.cols(), torch::kFloat64).to(torch::kFloat32).view({1, -1});
  x /= x.norm();
  double sigma2 = 0;
  for (int it = 0; it < maxIterations; ++it) {
    torch::Tensor y = m.multiplyTransposed(m.multiply(x)).to(torch::kFloat64);
    const double next = y.norm().item<double>();
    x = (y / next).to(torch::kFloat32);
    if (it > 10 && std::fabs(next - sigma2) <= relTol * next) {
      sigma2 = next;
      break;
    }
    sigma2 = next;
  }
  return std::sqrt(sigma2);
}

torch::Tensor RadonOperator::forward(const torch::Tensor& images) const {
  const int n = geometry_.imageSize;
  TORCH_CHECK(images.dim() >= 2 && images.size(-1) == n && images.size(-2) == n,
              "RadonOperator::forward: expected (..., ", n, ", ", n, "), got ", images.sizes());
  std::vector<int64_t> outShape(images.sizes().begin(), images.sizes().end() - 2);
  outShape.push_back(geometry_.numAngles);
  outShape.push_back(geometry_.numBins);
  torch::Tensor flat = images.reshape({-1, int64_t(n) * n});
  torch::Tensor y = SparseApply::apply(flat, reinterpret_cast<int64_t>(&matrix_), false);
  return y.view(outShape);
}

torch::Tensor RadonOperator::adjoint(const torch::Tensor& sinograms) const {
  const int a = geometry_.numAngles, b = geometry_.numBins, n = geometry_.imageSize;
  TORCH_CHECK(sinograms.dim() >= 2 && sinograms.size(-2) == a && sinograms.size(-1) == b,
              "RadonOperator::adjoint: expected (..., ", a, ", ", b, "), got ", sinograms.sizes());
  std::vector<int64_t> outShape(sinograms.sizes().begin(), sinograms.sizes().end() - 2);
  outShape.push_back(n);
  outShape.push_back(n);
  torch::Tensor flat = sinograms.reshape({-1, int64_t(a) * b});
  torch::Tensor x = SparseApply::apply(flat, reinterpret_cast<int64_t>(&matrix_), true);
  return x.view(outShape);
}

namespace {
std::string shapeText(const torch::Tensor& t) {
  std::string s = "(";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + ")";
}
}  // namespace

void RadonOperator::checkSinogramShape(const torch::Tensor& s, const std::string& source) const {
  const int a = geometry_.numAngles, b = geometry_.numBins;
  if (s.dim() < 2 || s.size(-2) != a || s.size(-1) != b)
    throw InputError(source, "wrong sinogram shape " + shapeText(s) + ": expected (" + std::to_string(a) + ", " +
                                 std::to_string(b) + ") for geometry " + geometry_.describe());
  if (s.numel() == 0) throw InputError(source, "holds no sinograms (shape " + shapeText(s) + ")");
}

void RadonOperator::checkImageShape(const torch::Tensor& x, const std::string& source) const {
  const int n = geometry_.imageSize;
  if (x.dim() < 2 || x.size(-2) != n || x.size(-1) != n)
    throw InputError(source, "wrong image shape " + shapeText(x) + ": expected (" + std::to_string(n) + ", " +
                                 std::to_string(n) + ") for geometry " + geometry_.describe());
  if (x.numel() == 0) throw InputError(source, "holds no images (shape " + shapeText(x) + ")");
}

}  // namespace trustct
