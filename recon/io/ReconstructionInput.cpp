#include "recon/io/ReconstructionInput.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "recon/core/Errors.h"
#include "recon/core/InputFile.h"
#include "recon/core/Runtime.h"
#include "recon/io/SinogramIO.h"
#if TRUSTCT_HAVE_DICOM
#include "recon/io/dicom/DicomCt.h"
#endif

namespace trustct {

const std::vector<std::string>& dicomExtensions() {
  static const std::vector<std::string> extensions{".dcm", ".DCM"};
  return extensions;
}

bool isDicomInput(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  const std::vector<std::string>& dicom = dicomExtensions();
  const bool named = std::find(dicom.begin(), dicom.end(), fs::path(path).extension().string()) != dicom.end();
  return named || (!isSinogramPath(path) && looksLikeDicom(path));
}

namespace {

// The middle (or chosen) slice on the model grid and its simulated low-dose sinogram.
ReconstructionInput loadDicomInput(const std::string& path, const std::string& name, const RadonOperator& op,
                                   const InputOptions& options) {
#if TRUSTCT_HAVE_DICOM
  ReconstructionInput in;
  const CtSeries series = readDicomCt(path);
  const CtSlice& slice = series.slice(options.index);
  in.grid = toModelGrid(slice, op.geometry().imageSize);
  const NoiseModel noise = options.noise ? *options.noise : lowDoseNoise(op, in.grid.placement.pixelSpacingMm, options.photons);
  in.sinogram = simulateSinogram(in.grid.image, op, noise, options.seed);
  in.simulated = true;
  const int index = options.index < 0 ? static_cast<int>(series.slices.size() / 2) : options.index;
  char spacing[32];
  std::snprintf(spacing, sizeof spacing, "%.4g", in.grid.placement.pixelSpacingMm);
  in.description = "sinogram simulated (" + noise.describe() + ", " + op.geometry().describe() + ") from slice " +
                   std::to_string(index) + " of " + std::to_string(series.slices.size()) + " of " + name +
                   ", resampled to " + std::to_string(op.geometry().imageSize) + "x" +
                   std::to_string(op.geometry().imageSize) + " at " + spacing + " mm";
  return in;
#else
  throw notBuiltError(Feature::Dicom, path);
#endif
}

}  // namespace

ReconstructionInput loadReconstructionInput(const std::string& path, const RadonOperator& op, const InputOptions& options) {
  const std::string name = std::filesystem::path(path).filename().string();
  requireRegularFileOrFolder(path);  // before any sniffing: reading a FIFO would block
  if (isDicomInput(path)) return loadDicomInput(path, name, op, options);
  ReconstructionInput in;
  NoiseModel noise = options.noise ? *options.noise : NoiseModel{};
  const int64_t index = options.index < 0 ? 0 : options.index;
  const SinogramFile file = loadSinogramFile(path, op, noise, options.seed, index);  // only that sample is read
  in.sinogram = file.sinograms[0].contiguous();
  if (file.images.defined()) in.grid.image = file.images[0].contiguous();
  in.grid.source = path;
  const double spacing = file.pixelSpacingMm > 0 ? file.pixelSpacingMm : options.sinogramPixelSpacingMm;
  in.grid.placement = GridPlacement::centred(op.geometry().imageSize, spacing);
  in.simulated = file.format == "lodopab-ground-truth";
  in.description = "measured sinogram (" + file.format + ") sample " + std::to_string(index) + " of " + name +
                   (file.pixelSpacingMm > 0 ? "" : "; pixel spacing not stated, assumed");
  if (in.simulated) in.description = "sinogram re-simulated (" + noise.describe() + ") from LoDoPaB-CT ground truth " +
                                     name + " sample " + std::to_string(index);
  return in;
}

}  // namespace trustct
