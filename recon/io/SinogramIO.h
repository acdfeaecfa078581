#pragma once
// Sinogram files in every format TrustCT reads, checked against the model's geometry:
//   .npy                       (angles, bins) or (B, angles, bins), float32/float64
//   .raw / .f32 + JSON sidecar  little-endian float32; sidecar X.json or X.raw.json:
//                              {"shape": [B?, angles, bins], "dtype": "float32", "geometry": {...}?,
//                               "pixel_spacing_mm": ...?}
//   .mha / .mhd / .nii[.gz]    via ITK: x = bins, y = angles, z = B
//   .h5 / .hdf5                LoDoPaB-CT ground truth (re-simulated) or observations (resampled)
// A build without ITK or HDF5 (TRUSTCT_CORE_ONLY) refuses those formats with a NotBuiltError naming the file.
#include <torch/types.h>

#include <string>

#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/SinogramFormats.h"

namespace trustct {

// The built-in formats, registered by SinogramFormats in this order.
SinogramFormat npySinogramFormat();
SinogramFormat rawSinogramFormat();
SinogramFormat itkSinogramFormat();
SinogramFormat lodopabSinogramFormat();

bool isSinogramPath(const std::string& path);  // by extension, of a registered format
// Through the format registered for the path's extension; `noise` and `seed` only matter for LoDoPaB
// ground truth, which is re-simulated. sample ≥ 0: only that sample (InputError when the file holds fewer).
SinogramFile loadSinogramFile(const std::string& path, const RadonOperator& op,
                              const NoiseModel& noise = NoiseModel{}, uint64_t seed = 0, int64_t sample = -1);

// Raw float32 with its JSON sidecar (atomic; the sidecar records the geometry).
void writeRawSinogram(const std::string& path, const torch::Tensor& sinograms, const Geometry& geometry);
// MetaImage or NIfTI (.mha, .nii, .nii.gz).
void writeItkSinogram(const std::string& path, const torch::Tensor& sinograms);

}  // namespace trustct
