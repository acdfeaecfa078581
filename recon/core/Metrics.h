#pragma once
// Image quality metrics as the papers report them: PSNR with data range 1 and SSIM with
// scikit-image's structural_similarity(data_range=1) defaults (7×7 uniform window, K1 = 0.01,
// K2 = 0.03, sample covariance, mean over the image without a 3-pixel border).
#include <torch/types.h>

namespace trustct {

double psnr(const torch::Tensor& image, const torch::Tensor& reference, double dataRange = 1.0);
double ssim(const torch::Tensor& image, const torch::Tensor& reference, double dataRange = 1.0);

}  // namespace trustct
