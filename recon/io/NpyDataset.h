#pragma once
// Image and sinogram .npy files checked against the model's operator, and folders of
// image_NNNN.npy / sinogram_NNNN.npy pairs as `trustct-cli simulate` writes them.
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "recon/data/Dataset.h"
#include "recon/geometry/RadonOperator.h"

namespace trustct {

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
