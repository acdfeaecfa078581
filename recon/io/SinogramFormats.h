#pragma once
// The sinogram file formats TrustCT reads, each declaring its name, its extensions and its reader.
// Loading, the GUI's file dialogs and drag-and-drop and the CLI's help all come from this one list: a new
// format is a reader plus one add() line (the built-ins are listed in SinogramFormats.cpp).
#include <torch/types.h>

#include <functional>
#include <string>
#include <vector>

#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"

namespace trustct {

struct SinogramFile {
  torch::Tensor sinograms;     // (B, angles, bins) float32, finite
  torch::Tensor images;        // (B, N, N) reference images when the file format provides them; else undefined
  double pixelSpacingMm = 0;   // of the model grid when the format knows it; 0 = unknown
  std::string format;          // npy, raw, itk, lodopab-ground-truth, lodopab-observation
  std::string source;
  int64_t samplesInFile = 0;   // how many the file holds (a one-sample read holds one of them)
};

struct SinogramFormat {
  // Reads `path` checked against `op`; `noise` and `seed` only matter for formats that re-simulate.
  using Reader = std::function<SinogramFile(const std::string& path, const RadonOperator& op, const NoiseModel& noise,
                                            uint64_t seed)>;
  // Reads only sample `index` of `path` (a SinogramFile of one, samplesInFile set;
  // InputError when out of range). Optional: for formats whose files can hold far more samples than one
  // reconstruction needs (a 1.4 KB chunked HDF5 may declare a million); without it `read` loads all.
  using SampleReader = std::function<SinogramFile(const std::string& path, const RadonOperator& op,
                                                  const NoiseModel& noise, uint64_t seed, int64_t index)>;
  std::string name;                     // "NumPy"
  std::vector<std::string> extensions;  // ".npy", ".nii.gz": matched at the end of the path
  Reader read;
  SampleReader readSample = nullptr;
};

class SinogramFormats {
 public:
  static SinogramFormats& instance();
  void add(SinogramFormat format);  // a format of the same name is replaced
  const SinogramFormat* find(const std::string& path) const;  // by extension; null when none matches
  std::vector<std::string> extensions() const;  // every format's, in registration order

 private:
  SinogramFormats();
  std::vector<SinogramFormat> formats_;
};

// Extensions each prefixed and separated: ({".npy", ".raw"}, "*", " ") → "*.npy *.raw" for file dialogs,
// ("", ", ") for help texts.
std::string joinExtensions(const std::vector<std::string>& extensions, const std::string& prefix,
                           const std::string& separator);

}  // namespace trustct
