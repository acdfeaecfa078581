#pragma once
// LoDoPaB-CT files (Leuschner et al., Sci. Data 2021): HDF5 dataset "data", float32, either ground truth (n, 362, 362)
// = μ/μ_max on [-0.13, 0.13]² m, or post-log observations (n, 1000, 513) over 1000 mid-point angles
// in [0, π) and 513 bins across the image diagonal (ODL's parallel-beam geometry: s = x cos θ + y sin θ,
// array axis 0 = x). Ground truth is resized to the model grid and re-simulated as in the papers;
// observations are resampled to the model's angles and bins and rescaled to its normalised operator.
#include <torch/types.h>

#include <memory>
#include <string>

#include "recon/data/Dataset.h"
#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"

namespace trustct {

struct LodopabLayout {
  static constexpr int kImageSide = 362;
  static constexpr int kAngles = 1000;
  static constexpr int kBins = 513;
  static constexpr double kHalfWidthMetres = 0.13;
  static constexpr double kMuMaxPerMetre = 81.35858;
  static constexpr int kSamplesPerFile = 128;
};

class LodopabDataset : public Dataset {
 public:
  enum class Kind { GroundTruth, Observation };
  // Opens `path` and checks its layout (InputError naming the file otherwise). For observation files a
  // ground_truth_* file beside it supplies the reference images; ground truth is re-simulated with `noise`.
  LodopabDataset(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise, uint64_t seed);
  int64_t size() const override { return count_; }
  Sample get(int64_t index) const override;
  Kind kind() const { return kind_; }
  double pixelSpacingMm() const;  // of the model grid: 260 mm / image size

  // (362, 362) array in LoDoPaB's layout → (N, N) model image; `rescale` maps min..max to [0, 1] (papers).
  torch::Tensor imageFromGroundTruth(const torch::Tensor& slice, bool rescale) const;
  // (1000, 513) post-log observation → (angles, bins) in the model's normalised units.
  torch::Tensor sinogramFromObservation(const torch::Tensor& observation) const;

 private:
  std::string path_, groundTruthPath_;
  std::shared_ptr<const RadonOperator> op_;
  NoiseModel noise_;
  uint64_t seed_;
  Kind kind_;
  int64_t count_ = 0;
};

// Reads slice `index` of the "data" dataset of an HDF5 file as float32 (rows, cols).
torch::Tensor readHdf5Slice(const std::string& path, int64_t index);
// Writes (n, rows, cols) float32 as dataset "data" (LoDoPaB layout), atomically.
void writeHdf5Stack(const std::string& path, const torch::Tensor& stack);

}  // namespace trustct
