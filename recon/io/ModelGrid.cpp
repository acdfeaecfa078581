#include "recon/io/ModelGrid.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "recon/core/Errors.h"
#include "recon/core/Rng.h"

namespace trustct {
namespace {

namespace F = torch::nn::functional;

// Bilinear resampling that averages over the source area when shrinking (no aliasing of fine detail).
torch::Tensor resize(const torch::Tensor& image4d, int64_t rows, int64_t cols) {
  if (image4d.size(2) == rows && image4d.size(3) == cols) return image4d;
  const bool shrinking = rows < image4d.size(2) || cols < image4d.size(3);
  return F::interpolate(image4d, F::InterpolateFuncOptions()
                                     .size(std::vector<int64_t>{rows, cols})
                                     .mode(torch::kBilinear)
                                     .align_corners(false)
                                     .antialias(shrinking));
}

}  // namespace

torch::Tensor huToAttenuation(const torch::Tensor& hu) {
  return (kMuWaterPerMetre * (1.0 + hu / 1000.0) / kMuMaxPerMetre).clamp(0.0, 1.0);
}

torch::Tensor attenuationToHu(const torch::Tensor& x) {
  return (x * (kMuMaxPerMetre / kMuWaterPerMetre) - 1.0) * 1000.0;
}

GridPlacement GridPlacement::centred(int imageSize, double pixelSpacingMm) {
  GridPlacement p;
  p.pixelSpacingMm = pixelSpacingMm;
  const double first = -(imageSize - 1) / 2.0 * pixelSpacingMm;
  p.firstPixelCentre = {first, first, 0.0};
  return p;
}

GridImage toModelGrid(const CtSlice& slice, int imageSize) {
  if (imageSize < 8) throw UsageError("model grid must be at least 8 pixels wide");
  if (slice.rows < 2 || slice.cols < 2) throw InputError(slice.describe(), "slice is smaller than 2x2 pixels");
  if (static_cast<size_t>(slice.rows) * slice.cols != slice.hu.size())
    throw InputError(slice.describe(), "pixel count does not match the slice dimensions");
  torch::Tensor hu = torch::from_blob(const_cast<float*>(slice.hu.data()), {1, 1, slice.rows, slice.cols}, torch::kFloat32)
                         .to(torch::kFloat64);
  // 1. Isotropic pixels of the finer spacing. 2. Pad with air to a square. 3. Resample to the grid.
  const double rowSpacing = slice.pixelSpacing[0], colSpacing = slice.pixelSpacing[1];
  const double iso = std::min(rowSpacing, colSpacing);
  const int64_t rows = std::max<int64_t>(1, std::llround(slice.rows * rowSpacing / iso));
  const int64_t cols = std::max<int64_t>(1, std::llround(slice.cols * colSpacing / iso));
  hu = resize(hu, rows, cols);
  const int64_t side = std::max(rows, cols);
  const int64_t padTop = (side - rows) / 2, padLeft = (side - cols) / 2;
  if (side != rows || side != cols)
    hu = F::pad(hu, F::PadFuncOptions({padLeft, side - cols - padLeft, padTop, side - rows - padTop}).value(-1000.0));
  hu = resize(hu, imageSize, imageSize);

  GridImage out;
  out.image = huToAttenuation(hu[0][0]).to(torch::kFloat32).contiguous();
  out.identity = slice.identity;
  out.source = slice.describe();
  out.frameNumber = slice.frameNumber;
  out.windowHu = slice.windowHu;
  GridPlacement& p = out.placement;
  p.orientation = slice.orientation;
  p.sliceThicknessMm = slice.sliceThickness;
  p.pixelSpacingMm = side * iso / imageSize;
  const double* rowDir = slice.orientation.data();     // direction of increasing column index
  const double* colDir = slice.orientation.data() + 3; // direction of increasing row index
  for (int k = 0; k < 3; ++k) {
    const double outerCorner = slice.position[k] - 0.5 * colSpacing * rowDir[k] - 0.5 * rowSpacing * colDir[k];
    const double squareCorner = outerCorner - padLeft * iso * rowDir[k] - padTop * iso * colDir[k];
    p.firstPixelCentre[k] = squareCorner + 0.5 * p.pixelSpacingMm * (rowDir[k] + colDir[k]);
  }
  return out;
}

NoiseModel lowDoseNoise(const RadonOperator& op, double pixelSpacingMm, double photons) {
  if (!(pixelSpacingMm > 0) || !(photons > 0)) throw UsageError("pixel spacing and photon count must be positive");
  NoiseModel m;
  m.kind = NoiseModel::Kind::Poisson;
  m.photons = photons;
  // Geometry length units per pixel → metres: one unit of A_unnormalised·x is pixelSpacing/pixelSize of path.
  m.attenuationPerUnit = kMuMaxPerMetre * (pixelSpacingMm / 1000.0 / op.geometry().pixelSize) * op.normalization();
  return m;
}

torch::Tensor simulateSinogram(const torch::Tensor& image, const RadonOperator& op, const NoiseModel& noise,
                               uint64_t seed) {
  op.checkImageShape(image, "image");
  torch::NoGradGuard noGrad;
  Rng rng(seed);
  return addNoise(op.forward(image.unsqueeze(0)).squeeze(0), noise, rng);
}

}  // namespace trustct
