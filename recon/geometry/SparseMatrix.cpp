#include "recon/geometry/SparseMatrix.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <mutex>

namespace trustct {

CsrData CsrData::transposed() const {
  CsrData t;
  t.rows = cols;
  t.cols = rows;
  t.rowPtr.assign(cols + 1, 0);
  for (int32_t c : colIdx) ++t.rowPtr[c + 1];
  for (int64_t i = 0; i < cols; ++i) t.rowPtr[i + 1] += t.rowPtr[i];
  t.colIdx.resize(values.size());
  t.values.resize(values.size());
  std::vector<int64_t> next(t.rowPtr.begin(), t.rowPtr.end() - 1);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = rowPtr[r]; k < rowPtr[r + 1]; ++k) {
      const int64_t dst = next[colIdx[k]]++;
      t.colIdx[dst] = static_cast<int32_t>(r);
      t.values[dst] = values[k];
    }
  return t;
}

void CsrData::scale(double s) {
  for (auto& v : values) v = static_cast<float>(v * s);
}

SparseMatrix::SparseMatrix(CsrData data) : a_(std::move(data)), at_(a_.transposed()) {}

torch::Tensor SparseMatrix::cpuKernel(const CsrData& m, const torch::Tensor& xIn) {
  TORCH_CHECK(xIn.dim() == 2 && xIn.size(1) == m.cols, "sparse product: expected (B, ", m.cols, "), got ",
              xIn.sizes());
  const int64_t batch = xIn.size(0);
  // Column-major copy (cols × B): the batch values of one column are contiguous, so the inner loop
  // over the batch vectorises and each nonzero is read once per chunk.
  const torch::Tensor xt = xIn.to(torch::kFloat32).t().contiguous();
  torch::Tensor yt = torch::empty({m.rows, batch}, xt.options());
  const float* xp = xt.data_ptr<float>();
  float* yp = yt.data_ptr<float>();
  const int64_t* rp = m.rowPtr.data();
  const int32_t* ci = m.colIdx.data();
  const float* vv = m.values.data();
  constexpr int64_t kChunk = 16;
  at::parallel_for(0, m.rows, 32, [&](int64_t r0, int64_t r1) {
    float acc[kChunk];
    for (int64_t b0 = 0; b0 < batch; b0 += kChunk) {
      const int64_t nb = std::min(kChunk, batch - b0);
      for (int64_t r = r0; r < r1; ++r) {
        std::fill(acc, acc + kChunk, 0.f);
        if (nb == kChunk) {
          for (int64_t k = rp[r]; k < rp[r + 1]; ++k) {
            const float v = vv[k];
            const float* xc = xp + int64_t(ci[k]) * batch + b0;
            for (int64_t b = 0; b < kChunk; ++b) acc[b] += v * xc[b];
          }
        } else {
          for (int64_t k = rp[r]; k < rp[r + 1]; ++k) {
            const float v = vv[k];
            const float* xc = xp + int64_t(ci[k]) * batch + b0;
            for (int64_t b = 0; b < nb; ++b) acc[b] += v * xc[b];
          }
        }
        std::copy(acc, acc + nb, yp + r * batch + b0);
      }
    }
  });
  return batch == 1 ? yt.view({1, m.rows}) : yt.t().contiguous();
}

torch::Tensor SparseMatrix::torchSparse(bool transposed, const torch::Device& device) const {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string key = device.str() + (transposed ? ":t" : ":n");
  for (auto& [k, t] : deviceCache_)
    if (k == key) return t;
  const CsrData& m = transposed ? at_ : a_;
  auto i64 = torch::TensorOptions().dtype(torch::kInt64);
  torch::Tensor crow = torch::from_blob(const_cast<int64_t*>(m.rowPtr.data()), {m.rows + 1}, i64).clone();
  torch::Tensor col = torch::from_blob(const_cast<int32_t*>(m.colIdx.data()), {m.nnz()},
                                       torch::TensorOptions().dtype(torch::kInt32))
                          .to(torch::kInt64);
  torch::Tensor val = torch::from_blob(const_cast<float*>(m.values.data()), {m.nnz()}, torch::kFloat32).clone();
  torch::Tensor s = torch::sparse_csr_tensor(crow, col, val, {m.rows, m.cols}, torch::TensorOptions().dtype(torch::kFloat32))
                        .to(device);
  deviceCache_.emplace_back(key, s);
  return s;
}

torch::Tensor SparseMatrix::multiplyTorchSparse(const torch::Tensor& x, bool transposed) const {
  torch::Tensor s = torchSparse(transposed, x.device());
  // (rows × cols) · (cols × B) → (rows × B), then back to batch-major.
  return torch::mm(s, x.to(torch::kFloat32).t().contiguous()).t().contiguous();
}

torch::Tensor SparseMatrix::multiply(const torch::Tensor& x) const {
  if (x.device().is_cpu()) return cpuKernel(a_, x);
  return multiplyTorchSparse(x, false);
}

torch::Tensor SparseMatrix::multiplyTransposed(const torch::Tensor& y) const {
  if (y.device().is_cpu()) return cpuKernel(at_, y);
  return multiplyTorchSparse(y, true);
}

}  // namespace trustct
