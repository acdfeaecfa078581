#pragma once
// One entry point for "what the user opened": a DICOM CT (file, multi-frame or series folder) becomes a
// model-grid image plus a simulated low-dose sinogram; a sinogram file is used as measured. The GUI and
// the CLI (import, export) both load through here.
#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "recon/data/Noise.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/io/ModelGrid.h"

namespace trustct {

struct InputOptions {
  int index = -1;                  // DICOM: slice in position order (-1 = middle); sinogram stacks: sample (-1 = first)
  double photons = 4096;           // low-dose Poisson simulation for DICOM input (LoDoPaB-CT's N₀)
  std::optional<NoiseModel> noise; // overrides the Poisson model (e.g. the papers' 1.5 % Gaussian)
  uint64_t seed = 0;
  double sinogramPixelSpacingMm = 1.0;  // assumed grid spacing when a sinogram file does not state one
};

struct ReconstructionInput {
  GridImage grid;          // grid.image: the reference image (DICOM, LoDoPaB ground truth) or undefined
  torch::Tensor sinogram;  // (angles, bins), normalised data
  bool simulated = false;  // sinogram simulated from grid.image
  std::string description; // what the sinogram is, in one sentence (goes into the Derivation Description)
};

const std::vector<std::string>& dicomExtensions();  // ".dcm", ".DCM": DICOM by name (others by their preamble)
bool isDicomInput(const std::string& path);  // a folder, a file with a DICOM extension or the DICM preamble
ReconstructionInput loadReconstructionInput(const std::string& path, const RadonOperator& op, const InputOptions& options);

}  // namespace trustct
