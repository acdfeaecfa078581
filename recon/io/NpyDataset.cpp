#include "recon/io/NpyDataset.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include "recon/core/Errors.h"
#include "recon/io/Npy.h"

namespace trustct {

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
