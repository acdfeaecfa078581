#include "recon/io/SinogramIO.h"

#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"
#include "recon/io/Npy.h"
#include "recon/io/NpyDataset.h"
#if TRUSTCT_HAVE_HDF5
#include "recon/io/Lodopab.h"
#endif
#if TRUSTCT_HAVE_ITK
#include "recon/io/itk/ItkImageIO.h"
#endif

namespace trustct {
namespace {

namespace fs = std::filesystem;

std::string sidecarOf(const std::string& path) {
  const std::string beside = path + ".json";
  std::error_code ec;
  if (fs::exists(beside, ec)) return beside;
  return fs::path(path).replace_extension(".json").string();
}

torch::Tensor asBatch(torch::Tensor t) { return t.dim() == 2 ? t.unsqueeze(0) : t; }

torch::Tensor readRaw(const std::string& path, const RadonOperator& op, SinogramFile& out) {
  const std::string sidecar = sidecarOf(path);
  std::ifstream js(sidecar);
  if (!js) throw InputError(path, "raw sinogram needs a JSON sidecar (" + sidecar + ") giving its shape");
  nlohmann::json meta;
  try {
    js >> meta;
  } catch (const std::exception& e) {
    throw InputError(sidecar, std::string("not valid JSON: ") + e.what());
  }
  std::vector<int64_t> shape;
  try {
    shape = meta.at("shape").get<std::vector<int64_t>>();
    if (meta.value("dtype", std::string("float32")) != "float32")
      throw InputError(sidecar, "dtype must be float32, got " + meta.value("dtype", std::string()));
    if (meta.value("endianness", std::string("little")) != "little")
      throw InputError(sidecar, "only little-endian data is supported");
    if (meta.contains("geometry")) {
      const Geometry g = Geometry::fromJson(meta["geometry"], sidecar);
      if (g != op.geometry())
        throw InputError(sidecar, "sinogram geometry differs from the model's: " + g.differenceFrom(op.geometry()));
    }
    out.pixelSpacingMm = meta.value("pixel_spacing_mm", 0.0);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(sidecar, std::string("malformed sidecar: ") + e.what());
  }
  if (shape.size() < 2 || shape.size() > 3) throw InputError(sidecar, "shape must have 2 or 3 entries");
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 1 || d > (1 << 20)) throw InputError(sidecar, "absurd dimension " + std::to_string(d) + " in shape");
    count *= d;
    if (count > (int64_t{1} << 30)) throw InputError(sidecar, "shape is absurdly large");
  }
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw InputError(path, "cannot read file");
  if (size != static_cast<uintmax_t>(count) * 4)
    throw InputError(path, "holds " + std::to_string(size) + " bytes, the sidecar's shape needs " +
                               std::to_string(count * 4) + " (float32)");
  torch::Tensor t = torch::empty(shape, torch::kFloat32);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(t.data_ptr<float>()), static_cast<std::streamsize>(count * 4)))
    throw InputError(path, "cannot read file");
  return t;
}

torch::Tensor readItk(const std::string& path) {
#if TRUSTCT_HAVE_ITK
  RawImage img = readItkImage(path);
  while (img.size.size() > 2 && img.size.back() == 1) img.size.pop_back();
  std::vector<int64_t> shape(img.size.rbegin(), img.size.rend());  // z, y, x = B, angles, bins
  return torch::from_blob(img.data.data(), shape, torch::kFloat32).clone();
#else
  throw notBuiltError(Feature::Itk, path);
#endif
}

// Samples [first, first + count) of a LoDoPaB file (count −1: to the end), each read by index alone.
SinogramFile readLodopabSamples(const std::string& path, const RadonOperator& op, const NoiseModel& noise,
                                uint64_t seed, int64_t first, int64_t count) {
#if TRUSTCT_HAVE_HDF5
  SinogramFile out;
  LodopabDataset data(path, RadonOperator::forGeometry(op.geometry()), noise, seed);
  const bool truth = data.kind() == LodopabDataset::Kind::GroundTruth;
  out.format = truth ? "lodopab-ground-truth" : "lodopab-observation";
  out.pixelSpacingMm = data.pixelSpacingMm();
  out.samplesInFile = data.size();  // a sample beyond it is refused by the read itself (readHdf5Slice)
  const int64_t end = count < 0 ? data.size() : first + count;
  std::vector<torch::Tensor> sinos, images;
  for (int64_t i = first; i < end; ++i) {
    Sample s = data.get(i);
    requireFinite(s.sinogram, path + " sample " + std::to_string(i));
    sinos.push_back(s.sinogram);
    if (s.image.defined()) images.push_back(s.image);
  }
  out.sinograms = torch::stack(sinos);
  if (images.size() == sinos.size()) out.images = torch::stack(images);
  return out;
#else
  (void)op, (void)noise, (void)seed, (void)first, (void)count;
  throw notBuiltError(Feature::Hdf5, path);
#endif
}

// `out` with the file's one (angles, bins) or (B, angles, bins) tensor, checked against the operator.
SinogramFile withCheckedStack(SinogramFile out, const torch::Tensor& t, const std::string& path, const RadonOperator& op) {
  op.checkSinogramShape(t, path);
  requireFinite(t, path);
  out.sinograms = asBatch(t);
  return out;
}

}  // namespace

SinogramFormat npySinogramFormat() {
  return {"NumPy", {".npy"}, [](const std::string& path, const RadonOperator& op, const NoiseModel&, uint64_t) {
            SinogramFile out;
            out.format = "npy";
            out.sinograms = asBatch(loadSinogramNpy(path, op));
            return out;
          }};
}

SinogramFormat rawSinogramFormat() {
  return {"raw float32 + JSON sidecar", {".raw", ".f32"},
          [](const std::string& path, const RadonOperator& op, const NoiseModel&, uint64_t) {
            SinogramFile out;
            out.format = "raw";
            const torch::Tensor t = readRaw(path, op, out);
            return withCheckedStack(std::move(out), t, path, op);
          }};
}

SinogramFormat itkSinogramFormat() {
  return {"MetaImage / NIfTI", {".mha", ".mhd", ".nii", ".nii.gz"},
          [](const std::string& path, const RadonOperator& op, const NoiseModel&, uint64_t) {
            SinogramFile out;
            out.format = "itk";
            return withCheckedStack(std::move(out), readItk(path), path, op);
          }};
}

SinogramFormat lodopabSinogramFormat() {
  return {"LoDoPaB-CT HDF5", {".h5", ".hdf5"},
          [](const std::string& path, const RadonOperator& op, const NoiseModel& noise, uint64_t seed) {
            return readLodopabSamples(path, op, noise, seed, 0, -1);
          },
          [](const std::string& path, const RadonOperator& op, const NoiseModel& noise, uint64_t seed, int64_t index) {
            return readLodopabSamples(path, op, noise, seed, index, 1);
          }};
}

bool isSinogramPath(const std::string& path) { return SinogramFormats::instance().find(path) != nullptr; }

SinogramFile loadSinogramFile(const std::string& path, const RadonOperator& op, const NoiseModel& noise,
                              uint64_t seed, int64_t sample) {
  const SinogramFormat* format = SinogramFormats::instance().find(path);
  if (!format)
    throw InputError(path, "unknown sinogram format (expected " +
                               joinExtensions(SinogramFormats::instance().extensions(), "", ", ") + ")");
  SinogramFile out = sample >= 0 && format->readSample ? format->readSample(path, op, noise, seed, sample)
                                                       : format->read(path, op, noise, seed);
  out.source = path;
  if (sample >= 0 && format->readSample) return out;
  out.samplesInFile = out.sinograms.size(0);
  if (sample < 0) return out;
  if (sample >= out.samplesInFile)
    throw InputError(path, "sample " + std::to_string(sample) + " requested, the file holds " +
                               std::to_string(out.samplesInFile));
  out.sinograms = out.sinograms.narrow(0, sample, 1).contiguous();
  if (out.images.defined()) out.images = out.images.narrow(0, sample, 1).contiguous();
  return out;
}

void writeRawSinogram(const std::string& path, const torch::Tensor& sinograms, const Geometry& geometry) {
  const torch::Tensor t = sinograms.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  writeFileAtomically(path, [&](std::ostream& os) {
    os.write(reinterpret_cast<const char*>(t.data_ptr<float>()), static_cast<std::streamsize>(t.numel() * 4));
  });
  const nlohmann::json meta = {{"shape", t.sizes().vec()}, {"dtype", "float32"}, {"endianness", "little"},
                               {"geometry", geometry.toJson()}};
  writeTextAtomically(path + ".json", meta.dump(2) + "\n");
}

void writeItkSinogram(const std::string& path, const torch::Tensor& sinograms) {
#if TRUSTCT_HAVE_ITK
  const torch::Tensor t = sinograms.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  if (t.dim() < 2 || t.dim() > 3) throw InputError(path, "expected (angles, bins) or (B, angles, bins)");
  RawImage img;
  for (int64_t d = t.dim() - 1; d >= 0; --d) img.size.push_back(static_cast<size_t>(t.size(d)));
  img.spacing.assign(img.size.size(), 1.0);
  img.data.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
  writeItkImage(path, img);
#else
  throw notBuiltError(Feature::Itk, path);
#endif
}

}  // namespace trustct
