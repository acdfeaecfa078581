#include "recon/io/Lodopab.h"

#include <hdf5.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Rng.h"
#include "recon/io/Npy.h"

namespace trustct {
namespace {

namespace F = torch::nn::functional;
namespace fs = std::filesystem;

// Closes an HDF5 handle on scope exit; HDF5's own error printing is silenced (we report InputErrors).
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void silenceHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::vector<hsize_t> dataShape(const std::string& path) {
  silenceHdf5();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, "no such file");
  if (fs::file_size(path, ec) == 0) throw InputError(path, "file is empty (0 bytes)");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path, "not an HDF5 file");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw InputError(path, "cannot open HDF5 file (truncated or damaged)");
  if (H5Lexists(file, "data", H5P_DEFAULT) <= 0) throw InputError(path, "has no dataset 'data' (not LoDoPaB-CT layout)");
  Handle data(H5Dopen2(file, "data", H5P_DEFAULT), H5Dclose);
  if (!data.valid()) throw InputError(path, "cannot open dataset 'data'");
  Handle space(H5Dget_space(data), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 3) throw InputError(path, "dataset 'data' has " + std::to_string(rank) + " dimensions, expected 3 (n, rows, cols)");
  std::vector<hsize_t> dims(3);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::string shapeText(const std::vector<hsize_t>& d) {
  std::ostringstream s;
  s << "(" << d[0] << ", " << d[1] << ", " << d[2] << ")";
  return s.str();
}

// Fraction of each LoDoPaB bin that falls into each model bin: (modelBins, 513), rows sum to 1.
torch::Tensor binOverlap(const Geometry& g) {
  const double metresPerUnit = LodopabLayout::kHalfWidthMetres / g.halfWidth();
  const double rhoL = LodopabLayout::kHalfWidthMetres * std::sqrt(2.0);
  const double widthL = 2 * rhoL / LodopabLayout::kBins;
  torch::Tensor w = torch::zeros({g.numBins, LodopabLayout::kBins}, torch::kFloat64);
  auto acc = w.accessor<double, 2>();
  for (int j = 0; j < g.numBins; ++j) {
    const double lo = (g.binCenter(j) - g.binWidth() / 2) * metresPerUnit, hi = lo + g.binWidth() * metresPerUnit;
    for (int l = 0; l < LodopabLayout::kBins; ++l) {
      const double a = -rhoL + l * widthL, b = a + widthL;
      const double overlap = std::min(hi, b) - std::max(lo, a);
      if (overlap > 0) acc[j][l] = overlap;
    }
  }
  return w / w.sum(1, true).clamp_min(1e-300);
}

// A dataset may declare far more samples than the file stores: unallocated storage reads as fill values,
// a blank image (a 1.4 KB chunked file declaring 1e6 samples). The storage of sample `index` must exist.
void requireStoredSample(hid_t data, const std::vector<hsize_t>& dims, hsize_t index, const std::string& path) {
  const std::string what = "sample " + std::to_string(index) + " is not stored in the file (the dataset declares " +
                           std::to_string(dims[0]) + " samples): truncated or damaged";
  Handle plist(H5Dget_create_plist(data), H5Pclose);
  if (H5Pget_layout(plist) != H5D_CHUNKED) {
    if (H5Dget_storage_size(data) < dims[0] * dims[1] * dims[2] * sizeof(float)) throw InputError(path, what);
    return;
  }
  hsize_t chunk[3] = {0, 0, 0};
  if (H5Pget_chunk(plist, 3, chunk) != 3 || !chunk[0] || !chunk[1] || !chunk[2])
    throw InputError(path, "dataset 'data' has an unreadable chunk layout");
  const hsize_t perSample = ((dims[1] + chunk[1] - 1) / chunk[1]) * ((dims[2] + chunk[2] - 1) / chunk[2]);
  if (perSample > 65536) throw InputError(path, "dataset 'data' is split into " + std::to_string(perSample) +
                                                    " chunks per sample; refusing such a layout");
  for (hsize_t r = 0; r < dims[1]; r += chunk[1])
    for (hsize_t c = 0; c < dims[2]; c += chunk[2]) {
      const hsize_t offset[3] = {index / chunk[0] * chunk[0], r, c};
      hsize_t bytes = 0;
      if (H5Dget_chunk_storage_size(data, offset, &bytes) < 0 || bytes == 0) throw InputError(path, what);
    }
}

}  // namespace

torch::Tensor readHdf5Slice(const std::string& path, int64_t index) {
  const std::vector<hsize_t> dims = dataShape(path);
  if (index < 0 || static_cast<hsize_t>(index) >= dims[0])
    throw InputError(path, "sample " + std::to_string(index) + " requested, the file holds " + std::to_string(dims[0]));
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Handle data(H5Dopen2(file, "data", H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(data), H5Sclose);
  requireStoredSample(data, dims, static_cast<hsize_t>(index), path);
  const hsize_t start[3] = {static_cast<hsize_t>(index), 0, 0}, count[3] = {1, dims[1], dims[2]};
  H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
  Handle memory(H5Screate_simple(2, dims.data() + 1, nullptr), H5Sclose);
  torch::Tensor out = torch::empty({static_cast<int64_t>(dims[1]), static_cast<int64_t>(dims[2])}, torch::kFloat32);
  if (H5Dread(data, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, out.data_ptr<float>()) < 0)
    throw InputError(path, "cannot read sample " + std::to_string(index) + " (truncated file or not float data)");
  // One NaN would turn the min/max rescale into a blank image that every certificate passes.
  requireFinite(out, path + " sample " + std::to_string(index));
  return out;
}

void writeHdf5Stack(const std::string& path, const torch::Tensor& stack) {
  if (stack.dim() != 3) throw InputError(path, "expected a (n, rows, cols) stack");
  silenceHdf5();
  const torch::Tensor data = stack.to(torch::kCPU, torch::kFloat32).contiguous();
  writeFileViaPath(path, [&](const std::string& tmp) {
    Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) throw InputError(path, "cannot create file");
    const hsize_t dims[3] = {hsize_t(data.size(0)), hsize_t(data.size(1)), hsize_t(data.size(2))};
    Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose);
    Handle set(H5Dcreate2(file, "data", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
    if (!set.valid() || H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data_ptr<float>()) < 0)
      throw InputError(path, "cannot write dataset 'data'");
    if (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0) throw InputError(path, "cannot write the file (disk full?)");
  });
}

LodopabDataset::LodopabDataset(const std::string& path, std::shared_ptr<const RadonOperator> op, NoiseModel noise,
                               uint64_t seed)
    : path_(path), op_(std::move(op)), noise_(noise), seed_(seed) {
  const std::vector<hsize_t> d = dataShape(path);
  if (d[1] == LodopabLayout::kImageSide && d[2] == LodopabLayout::kImageSide) kind_ = Kind::GroundTruth;
  else if (d[1] == LodopabLayout::kAngles && d[2] == LodopabLayout::kBins) kind_ = Kind::Observation;
  else
    throw InputError(path, "dataset 'data' has shape " + shapeText(d) + ", expected (n, 362, 362) ground truth or "
                           "(n, 1000, 513) observations");
  if (d[0] == 0) throw InputError(path, "dataset 'data' holds no samples");
  count_ = static_cast<int64_t>(d[0]);
  if (kind_ == Kind::Observation) {
    const fs::path p(path);
    std::string name = p.filename().string();
    if (name.rfind("observation_", 0) == 0) {
      const fs::path gt = p.parent_path() / ("ground_truth_" + name.substr(12));
      std::error_code ec;
      if (fs::exists(gt, ec)) groundTruthPath_ = gt.string();
    }
  }
}

double LodopabDataset::pixelSpacingMm() const {
  return 2000.0 * LodopabLayout::kHalfWidthMetres / op_->geometry().imageSize;
}

torch::Tensor LodopabDataset::imageFromGroundTruth(const torch::Tensor& slice, bool rescale) const {
  const int n = op_->geometry().imageSize;
  // LoDoPaB axis 0 is x and axis 1 is y (upwards); the model's rows run downwards in y.
  torch::Tensor img = slice.to(torch::kFloat64).t().flip(0).unsqueeze(0).unsqueeze(0);
  img = F::interpolate(img, F::InterpolateFuncOptions()
                                .size(std::vector<int64_t>{n, n})
                                .mode(torch::kBilinear)
                                .align_corners(false)
                                .antialias(true))[0][0];
  if (rescale) {
    const double lo = img.min().item<double>(), hi = img.max().item<double>();
    img = hi > lo ? (img - lo) / (hi - lo) : torch::zeros_like(img);
  }
  return img.to(torch::kFloat32).contiguous();
}

torch::Tensor LodopabDataset::sinogramFromObservation(const torch::Tensor& observation) const {
  const Geometry& g = op_->geometry();
  const torch::Tensor obs = observation.to(torch::kFloat64);
  // Angles: both sets are mid-points of [0, π); interpolate linearly between the two nearest.
  std::vector<torch::Tensor> rows;
  for (int k = 0; k < g.numAngles; ++k) {
    const double u = g.angle(k) / (M_PI / LodopabLayout::kAngles) - 0.5;
    const int i0 = std::clamp(static_cast<int>(std::floor(u)), 0, LodopabLayout::kAngles - 2);
    const double w = std::clamp(u - i0, 0.0, 1.0);
    rows.push_back((1 - w) * obs[i0] + w * obs[i0 + 1]);
  }
  const torch::Tensor resampled = torch::matmul(torch::stack(rows), binOverlap(g).t());  // metres of μ/μ_max
  // Line integrals in metres → normalised operator units: A = A_unnormalised / σ_max.
  const double metresPerUnit = LodopabLayout::kHalfWidthMetres / g.halfWidth();
  return (resampled / (metresPerUnit * op_->normalization())).to(torch::kFloat32).contiguous();
}

Sample LodopabDataset::get(int64_t index) const {
  Sample s;
  s.name = fs::path(path_).filename().string() + "#" + std::to_string(index);
  if (kind_ == Kind::GroundTruth) {
    torch::NoGradGuard noGrad;
    s.image = imageFromGroundTruth(readHdf5Slice(path_, index), true);
    Rng rng = Rng::forItem(seed_ ^ 0x6c6f646f7061ULL, static_cast<uint64_t>(index));
    s.sinogram = addNoise(op_->forward(s.image.unsqueeze(0)).squeeze(0), noise_, rng);
  } else {
    s.sinogram = sinogramFromObservation(readHdf5Slice(path_, index));
    if (!groundTruthPath_.empty()) s.image = imageFromGroundTruth(readHdf5Slice(groundTruthPath_, index), false);
  }
  return s;
}

}  // namespace trustct
