#pragma once
// Reproducible data sets: phantom images with their noisy sinograms, item by item from (seed, index),
// and folders of image_NNNN.npy / sinogram_NNNN.npy pairs as `trustct-cli simulate` writes them.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "recon/Noise.h"
#include "recon/Phantom.h"
#include "recon/RadonOperator.h"

namespace trustct {

struct Sample {
  torch::Tensor image;     // (H, W) ground truth, or undefined when unknown
  torch::Tensor sinogram;  // (angles, bins), normalised data
  std::string name;        // for messages and output names
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual Sample get(int64_t index) const = 0;
};

class SimulatedDataset : public Dataset {
 public:
  // analytic: exact line integrals of the ellipses (no inverse crime); otherwise A·x of the raster.
  SimulatedDataset(std::shared_ptr<const RadonOperator> op, PhantomKind kind, int64_t count, uint64_t seed,
                   NoiseModel noise, bool analytic);
  int64_t size() const override { return count_; }
  Sample get(int64_t index) const override;
  // Many items at once, generated in parallel: images (B, H, W), sinograms (B, angles, bins).
  void batch(int64_t first, int64_t count, torch::Tensor& images, torch::Tensor& sinograms) const;

 private:
  std::shared_ptr<const RadonOperator> op_;
  PhantomKind kind_;
  int64_t count_;
  uint64_t seed_;
  NoiseModel noise_;
  bool analytic_;
};

class FolderDataset : public Dataset {
 public:
  // Finds sinogram_NNNN.npy (and image_NNNN.npy where present); InputError if none or malformed.
  FolderDataset(const std::string& folder, std::shared_ptr<const RadonOperator> op);
  int64_t size() const override { return static_cast<int64_t>(sinograms_.size()); }
  Sample get(int64_t index) const override;

 private:
  std::shared_ptr<const RadonOperator> op_;
  std::vector<std::string> sinograms_, images_;
};

// Reads a sinogram .npy ((angles, bins) or (B, angles, bins)) and checks shape and finiteness.
torch::Tensor loadSinogramNpy(const std::string& path, const RadonOperator& op);
// Reads an image .npy ((H, W) or (B, H, W)) and checks shape and finiteness.
torch::Tensor loadImageNpy(const std::string& path, const RadonOperator& op);

}  // namespace trustct
