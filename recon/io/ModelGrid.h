#pragma once
// From a CT slice in Hounsfield units to the model's image grid and back (docs/researcher-guide.md §2):
// μ = μ_water·(1 + HU/1000), x = μ/μ_max clipped to [0, 1] — LoDoPaB-CT's normalisation — then the
// slice's field of view (padded with air to a square) is resampled to imageSize². The placement of the
// grid in patient coordinates is kept so the reconstruction is exported where the source slice was.
#include <torch/types.h>

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/CtSlice.h"

namespace trustct {

constexpr double kMuWaterPerMetre = 20.0;
constexpr double kMuMaxPerMetre = 81.35858;  // LoDoPaB-CT's μ_max

torch::Tensor huToAttenuation(const torch::Tensor& hu);  // → x = μ/μ_max in [0, 1]
torch::Tensor attenuationToHu(const torch::Tensor& x);   // exact inverse on [0, 1]; no clipping

// Where the model grid lies in patient coordinates (DICOM Image Plane module terms).
struct GridPlacement {
  double pixelSpacingMm = 1.0;
  std::array<double, 3> firstPixelCentre{0, 0, 0};
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  double sliceThicknessMm = 0;  // 0: unknown

  // A grid centred on the origin in the axial plane, for inputs without patient geometry (sinograms).
  static GridPlacement centred(int imageSize, double pixelSpacingMm);
};

// An image on the model grid with what the export needs to say where it came from.
struct GridImage {
  torch::Tensor image;  // (N, N) float32 in [0, 1]
  GridPlacement placement;
  std::shared_ptr<const DicomIdentity> identity;  // null when the input was not DICOM
  std::string source;                             // file (and frame) it came from
  int frameNumber = 0;                            // referenced frame of a multi-frame source
  std::optional<std::array<double, 2>> windowHu;  // the source's own window (centre, width in HU), if any
};

// Resamples (area-averaging when shrinking) and normalises one slice onto an imageSize² grid.
GridImage toModelGrid(const CtSlice& slice, int imageSize);

// Poisson low-dose noise whose photon budget acts on the physical attenuation: one unit of the
// normalised sinogram is μ_max · pixel size · ‖A_unnormalised‖ of line integral (docs/researcher-guide.md §2).
NoiseModel lowDoseNoise(const RadonOperator& op, double pixelSpacingMm, double photons = 4096);
// A noisy sinogram (angles, bins) of a grid image: A·x plus `noise` drawn from `seed`.
torch::Tensor simulateSinogram(const torch::Tensor& image, const RadonOperator& op, const NoiseModel& noise,
                               uint64_t seed);

}  // namespace trustct
