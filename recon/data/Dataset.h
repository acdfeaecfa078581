#pragma once
// A data set of (image, sinogram) samples read item by item: simulated phantoms, .npy folders, LoDoPaB-CT
// files and DICOM series all implement it, so training, calibration and evaluation take any of them.
#include <torch/types.h>

#include <cstdint>
#include <string>

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

}  // namespace trustct
