#pragma once
// Where the training, validation and step-search data come from: the papers' random Ellipses (exact
// analytic sinograms), LoDoPaB-CT ground truth (one HDF5 file or a folder of ground_truth_*.hdf5) or a
// DICOM CT series; the last two are re-simulated on the model's geometry with Gaussian noise.
#include <memory>
#include <string>

#include "recon/data/Dataset.h"
#include "recon/learned/training/Trainer.h"

namespace trustct {

// Test sets use the seeds 1000-1999 (`evaluate`, the model cards): training and validation must not.
inline bool isTestSeed(long long seed) { return seed >= 1000 && seed < 2000; }

enum class TrainingSource { Ellipses, Lodopab, Dicom };

struct TrainingDataSpec {
  TrainingSource source = TrainingSource::Ellipses;
  std::string path;   // LoDoPaB file/folder or DICOM file/folder
  int64_t first = 0;  // first sample used from a LoDoPaB or DICOM source (validation follows training)
  int64_t count = 1000;
  uint64_t seed = 1;  // Ellipses: the set; others: the simulated noise
  double noise = 0.015;

  // Generates or loads the samples [first, first + count); InputError naming the path when it has fewer.
  TrainingSet build(std::shared_ptr<const RadonOperator> op, JobContext* ctx = nullptr) const;
  // The whole source as a data set (previews, sizes).
  std::unique_ptr<Dataset> open(std::shared_ptr<const RadonOperator> op) const;
};

}  // namespace trustct
