#include "recon/SimulatedDataset.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "recon/Errors.h"
#include "recon/Npy.h"

namespace trustct {

SimulatedDataset::SimulatedDataset(std::shared_ptr<const RadonOperator> op, PhantomKind kind, int64_t count,
                                   uint64_t seed, NoiseModel noise, bool analytic)
    : op_(std::move(op)), kind_(kind), count_(count), seed_(seed), noise_(noise), analytic_(analytic) {
  if (count < 0) throw UsageError("sample count must be >= 0");
}

Sample SimulatedDataset::get(int64_t index) const {
  torch::NoGradGuard noGrad;
  const Geometry& g = op_->geometry();
  const EllipsePhantom phantom = makePhantom(kind_, g, seed_, static_cast<uint64_t>(index));
  Sample s;
  s.image = phantom.rasterize(g);
  const torch::Tensor clean =
      analytic_ ? phantom.analyticSinogram(g, op_->normalization()) : op_->forward(s.image.unsqueeze(0)).squeeze(0);
  // Noise draws come from a stream of their own, so changing the noise never changes the phantom.
  Rng rng = Rng::forItem(seed_ ^ 0x6e6f697365ULL, static_cast<uint64_t>(index));
  s.sinogram = addNoise(clean, noise_, rng);
  char name[32];
  std::snprintf(name, sizeof name, "sample_%04lld", static_cast<long long>(index));
  s.name = name;
  return s;
}

void SimulatedDataset::batch(int64_t first, int64_t count, torch::Tensor& images, torch::Tensor& sinograms) const {
  const Geometry& g = op_->geometry();
  images = torch::empty({count, g.imageSize, g.imageSize});
  sinograms = torch::empty({count, g.numAngles, g.numBins});
  // Items are independent; each worker generates whole items (the operator's own parallelism nests).
  at::parallel_for(0, count, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      Sample s = get(first + i);
      images[i].copy_(s.image);
      sinograms[i].copy_(s.sinogram);
    }
  });
}

FolderDataset::FolderDataset(const std::string& folder, std::shared_ptr<const RadonOperator> op) : op_(std::move(op)) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(folder)) throw InputError(folder, "not a folder");
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("sinogram_", 0) == 0 && entry.path().extension() == ".npy") found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  if (found.empty()) throw InputError(folder, "no sinogram_NNNN.npy files found");
  for (const auto& s : found) {
    const fs::path p(s);
    const fs::path img = p.parent_path() / ("image_" + p.filename().string().substr(9));
    sinograms_.push_back(s);
    images_.push_back(fs::exists(img) ? img.string() : std::string());
  }
}

Sample FolderDataset::get(int64_t index) const {
  Sample s;
  s.sinogram = loadSinogramNpy(sinograms_.at(index), *op_);
  if (s.sinogram.dim() != 2) throw InputError(sinograms_[index], "expected one sinogram (angles, bins) per file");
  if (!images_[index].empty()) s.image = loadImageNpy(images_[index], *op_);
  s.name = std::filesystem::path(sinograms_[index]).stem().string();
  return s;
}

torch::Tensor loadSinogramNpy(const std::string& path, const RadonOperator& op) {
  torch::Tensor t = readNpy(path);
  op.checkSinogramShape(t, path);
  if (t.dim() != 2 && t.dim() != 3)
    throw InputError(path, "expected (angles, bins) or (batch, angles, bins), got " + std::to_string(t.dim()) + " dimensions");
  requireFinite(t, path);
  return t;
}

torch::Tensor loadImageNpy(const std::string& path, const RadonOperator& op) {
  torch::Tensor t = readNpy(path);
  op.checkImageShape(t, path);
  if (t.dim() != 2 && t.dim() != 3)
    throw InputError(path, "expected (H, W) or (batch, H, W), got " + std::to_string(t.dim()) + " dimensions");
  requireFinite(t, path);
  return t;
}

}  // namespace trustct
