#pragma once
// A DICOM CT series (file or folder) as a data set for training and calibration: every slice on the
// model grid is the ground truth, its sinogram simulated on the model's geometry with `noise`.
#include <memory>
#include <string>

#include "recon/data/Dataset.h"
#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/dicom/DicomCt.h"

namespace trustct {

class DicomSeriesDataset : public Dataset {
 public:
  // Reads the series once (InputError naming the file otherwise).
  DicomSeriesDataset(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise, uint64_t seed);
  int64_t size() const override { return static_cast<int64_t>(series_.slices.size()); }
  Sample get(int64_t index) const override;

 private:
  CtSeries series_;
  std::shared_ptr<const RadonOperator> op_;
  NoiseModel noise_;
  uint64_t seed_;
};

}  // namespace trustct
