#pragma once
// A CSR matrix with its transpose, applied to batches of dense vectors.
// CPU: our own row-parallel kernel (at::parallel_for), 3–15× faster than LibTorch 1.13's sparse mm.
// Other devices (CUDA): LibTorch's sparse CSR product on that device.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace trustct {

struct CsrData {
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> rowPtr;   // rows + 1
  std::vector<int32_t> colIdx;   // nnz
  std::vector<float> values;     // nnz
  int64_t nnz() const { return static_cast<int64_t>(values.size()); }
  CsrData transposed() const;
  void scale(double s);
};

class SparseMatrix {
 public:
  SparseMatrix() = default;
  explicit SparseMatrix(CsrData data);

  int64_t rows() const { return a_.rows; }
  int64_t cols() const { return a_.cols; }
  int64_t nnz() const { return a_.nnz(); }
  const CsrData& csr() const { return a_; }

  // X: (B, cols) float32 on any device → (B, rows). Not differentiable (see RadonOperator).
  torch::Tensor multiply(const torch::Tensor& x) const;
  // X: (B, rows) → (B, cols), the exact adjoint.
  torch::Tensor multiplyTransposed(const torch::Tensor& y) const;

  // LibTorch's own sparse product on `device` (the CUDA path, and the CPU baseline for benchmarks).
  torch::Tensor multiplyTorchSparse(const torch::Tensor& x, bool transposed = false) const;

 private:
  static torch::Tensor cpuKernel(const CsrData& m, const torch::Tensor& x);
  torch::Tensor torchSparse(bool transposed, const torch::Device& device) const;

  CsrData a_, at_;
  mutable std::vector<std::pair<std::string, torch::Tensor>> deviceCache_;  // "dev:t" → sparse tensor
};

}  // namespace trustct
