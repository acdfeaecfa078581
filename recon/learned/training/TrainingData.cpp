#include "recon/learned/training/TrainingData.h"

#include <algorithm>
#include <filesystem>

#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"
#include "recon/data/SimulatedDataset.h"
#if TRUSTCT_HAVE_DICOM
#include "recon/io/dicom/DicomDataset.h"
#endif
#if TRUSTCT_HAVE_HDF5
#include "recon/io/Lodopab.h"
#endif

namespace trustct {
namespace fs = std::filesystem;

namespace {

// LoDoPaB-CT ships 128 samples per file; a folder's ground-truth files read as one data set, in name order.
class DatasetChain : public Dataset {
 public:
  explicit DatasetChain(std::vector<std::unique_ptr<Dataset>> parts) : parts_(std::move(parts)) {}
  int64_t size() const override {
    int64_t n = 0;
    for (const auto& p : parts_) n += p->size();
    return n;
  }
  Sample get(int64_t index) const override {
    for (const auto& p : parts_) {
      if (index < p->size()) return p->get(index);
      index -= p->size();
    }
    throw std::out_of_range("sample index beyond the data set");
  }

 private:
  std::vector<std::unique_ptr<Dataset>> parts_;
};

std::unique_ptr<Dataset> openLodopab(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise,
                                     uint64_t seed) {
#if TRUSTCT_HAVE_HDF5
  if (!fs::is_directory(path)) return std::make_unique<LodopabDataset>(path, op, noise, seed);
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(path)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("ground_truth_", 0) == 0 && e.path().extension() == ".hdf5") files.push_back(e.path().string());
  }
  if (files.empty()) throw InputError(path, "no LoDoPaB-CT ground_truth_*.hdf5 files in this folder");
  std::sort(files.begin(), files.end());
  std::vector<std::unique_ptr<Dataset>> parts;
  for (const auto& f : files) parts.push_back(std::make_unique<LodopabDataset>(f, op, noise, seed));
  return std::make_unique<DatasetChain>(std::move(parts));
#else
  throw notBuiltError(Feature::Hdf5, path);
#endif
}

std::unique_ptr<Dataset> openDicom(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise,
                                   uint64_t seed) {
#if TRUSTCT_HAVE_DICOM
  return std::make_unique<DicomSeriesDataset>(path, op, noise, seed);
#else
  throw notBuiltError(Feature::Dicom, path);
#endif
}

const char* sourceName(TrainingSource s) {
  switch (s) {
    case TrainingSource::Ellipses: return "ellipses";
    case TrainingSource::Lodopab: return "lodopab";
    case TrainingSource::Dicom: return "dicom";
  }
  return "?";
}

}  // namespace

std::unique_ptr<Dataset> TrainingDataSpec::open(std::shared_ptr<const RadonOperator> op) const {
  const NoiseModel noiseModel = NoiseModel::parse("gaussian", noise);
  switch (source) {
    case TrainingSource::Ellipses:
      return std::make_unique<SimulatedDataset>(op, PhantomKind::Ellipses, first + count, seed, noiseModel, true);
    case TrainingSource::Lodopab: return openLodopab(path, op, noiseModel, seed);
    case TrainingSource::Dicom: return openDicom(path, op, noiseModel, seed);
  }
  throw UsageError("unknown training data source");
}

TrainingSet TrainingDataSpec::build(std::shared_ptr<const RadonOperator> op, JobContext* ctx) const {
  if (source == TrainingSource::Ellipses) return TrainingSet::simulate(op, count, seed, noise, ctx);
  const std::unique_ptr<Dataset> data = open(op);
  if (first + count > data->size())
    throw InputError(path, "holds " + std::to_string(data->size()) + " samples; samples " + std::to_string(first) +
                               " to " + std::to_string(first + count - 1) + " were asked for");
  const nlohmann::json description = {{"source", sourceName(source)}, {"path", path},  {"first", first},
                                      {"count", count},               {"seed", seed}, {"noise", "gaussian " + std::to_string(noise)}};
  return TrainingSet::fromDataset(op, *data, first, count, description, ctx);
}

}  // namespace trustct
