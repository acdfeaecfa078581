#include "recon/io/dicom/DicomDataset.h"

#include "recon/core/Errors.h"
#include "recon/io/ModelGrid.h"

namespace trustct {

DicomSeriesDataset::DicomSeriesDataset(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise,
                                       uint64_t seed)
    : series_(readDicomCt(path)), op_(std::move(op)), noise_(noise), seed_(seed) {}

Sample DicomSeriesDataset::get(int64_t index) const {
  const CtSlice& slice = series_.slice(static_cast<int>(index));
  Sample s;
  s.name = slice.describe();
  s.image = toModelGrid(slice, op_->geometry().imageSize).image;
  s.sinogram = simulateSinogram(s.image, *op_, noise_, seed_ + static_cast<uint64_t>(index));
  return s;
}

}  // namespace trustct
