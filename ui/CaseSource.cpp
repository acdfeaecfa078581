#include "ui/CaseSource.h"

#include <torch/types.h>

#include <filesystem>
#include <regex>

#include "recon/core/Errors.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/NpyDataset.h"
#include "recon/io/ReconstructionInput.h"
#include "recon/io/SinogramFormats.h"
#include "recon/io/SinogramIO.h"

namespace trustct::ui {

namespace fs = std::filesystem;

DemoCaseSource::DemoCaseSource(PhantomKind kind, uint64_t seed, double noise) : kind_(kind), seed_(seed), noise_(noise) {}

std::unique_ptr<DemoCaseSource> DemoCaseSource::fromOrigin(const std::string& origin) {
  static const std::regex pattern("demo:(shepp-logan|ellipses)(?::([0-9]+))?");
  std::smatch m;
  if (!std::regex_match(origin, m, pattern)) return nullptr;
  const uint64_t seed = m[2].matched ? std::stoull(m[2].str()) : 7;
  return std::make_unique<DemoCaseSource>(parsePhantomKind(m[1].str()), seed);
}

std::string DemoCaseSource::origin() const {
  return kind_ == PhantomKind::SheppLogan ? "demo:shepp-logan" : "demo:ellipses:" + std::to_string(seed_);
}

CaseData DemoCaseSource::load(const ReconstructionEnvironment& env) const {
  const SimulatedDataset data(env.op, kind_, 1, seed_, NoiseModel::parse("gaussian", noise_), true);
  const Sample s = data.get(0);
  CaseData c;
  c.title = kind_ == PhantomKind::SheppLogan ? "Shepp–Logan phantom (demo)"
                                             : "Random ellipses phantom, seed " + std::to_string(seed_) + " (demo)";
  c.origin = origin();
  c.sinogram = s.sinogram;
  c.reference = s.image;
  c.ownWindow = viewer::WindowLevel{0.5, 1.0};  // phantoms span [0, 1]
  char note[160];
  std::snprintf(note, sizeof note, "exact sinogram, %s, %.1f %% Gaussian noise", env.geometry().describe().c_str(),
                100 * noise_);
  c.note = note;
  c.grid.image = c.reference;
  c.grid.placement = GridPlacement::centred(env.geometry().imageSize, 1.0);
  c.grid.source = c.origin;
  c.description = "exact (analytic) sinogram of the " + c.title + " with " + note;
  return c;
}

InputFileSource::InputFileSource(std::string path) : path_(std::move(path)) {}

std::string InputFileSource::companionReference(const std::string& sinogramPath) {
  const fs::path p(sinogramPath);
  const std::string stem = p.stem().string();
  std::vector<fs::path> candidates;
  if (stem.rfind("sinogram_", 0) == 0) candidates.push_back(p.parent_path() / ("image_" + stem.substr(9) + ".npy"));
  if (stem == "sinogram") candidates.push_back(p.parent_path() / "reference.npy");
  for (const auto& c : candidates)
    if (fs::is_regular_file(c)) return c.string();
  return {};
}

CaseData InputFileSource::load(const ReconstructionEnvironment& env) const {
  // The CLI's defaults (InputOptions{}): the same file gives the same case in `trustct-cli export`.
  const ReconstructionInput in = loadReconstructionInput(path_, *env.op, InputOptions{});
  CaseData c;
  c.title = fs::path(path_).filename().string();
  if (c.title.empty()) c.title = fs::path(path_).parent_path().filename().string();  // "series/"
  c.origin = path_;
  c.sinogram = in.sinogram;
  c.grid = in.grid;
  c.description = in.description;
  c.note = in.description;
  c.reference = in.grid.image;
  c.huCalibrated = in.simulated;  // re-simulated from a CT (DICOM, LoDoPaB): intensities are μ/μ_max
  if (in.grid.windowHu) c.ownWindow = viewer::WindowLevel::fromHu((*in.grid.windowHu)[1], (*in.grid.windowHu)[0]);
  if (!c.reference.defined()) {
    if (const std::string ref = companionReference(path_); !ref.empty()) {
      const torch::Tensor image = loadImageNpy(ref, *env.op);
      c.reference = (image.dim() == 3 ? image[0] : image).contiguous();
      c.grid.image = c.reference;
      c.note += "; reference " + fs::path(ref).filename().string();
    }
  }
  return c;
}

CaseOpeners& CaseOpeners::instance() {
  static CaseOpeners openers;
  return openers;
}

CaseOpeners::CaseOpeners() {
  const auto file = [](const std::string& path) { return std::make_unique<InputFileSource>(path); };
  add({kDicomType, [] { return joinExtensions(dicomExtensions(), "*", " "); },
       [](const std::string& path) { return isDicomInput(path); }, file});
  // Read at every use, so a sinogram format registered later is offered too.
  add({kSinogramType, [] { return joinExtensions(SinogramFormats::instance().extensions(), "*", " "); },
       [](const std::string& path) { return isSinogramPath(path); }, file});
}

void CaseOpeners::add(Opener opener) { openers_.push_back(std::move(opener)); }

std::unique_ptr<CaseSource> CaseOpeners::open(const std::string& pathOrOrigin) const {
  if (pathOrOrigin.rfind("demo:", 0) == 0) {
    if (auto demo = DemoCaseSource::fromOrigin(pathOrOrigin)) return demo;
    throw InputError(pathOrOrigin, "unknown demo case (expected demo:shepp-logan or demo:ellipses[:SEED])");
  }
  for (const auto& o : openers_)
    if (o.accepts(pathOrOrigin)) return o.make(pathOrOrigin);
  std::string kinds;
  for (const auto& o : openers_) kinds += (kinds.empty() ? "" : ", ") + o.name + " " + o.pattern();
  throw InputError(pathOrOrigin, "unsupported file type (can open: " + kinds + ")");
}

std::string CaseOpeners::dialogFilter() const {
  std::string filter;
  for (const auto& o : openers_) filter += o.name + " (" + o.pattern() + ");;";
  return filter + "All files (*)";
}

std::string CaseOpeners::dialogFilter(const std::string& name) const {
  for (const auto& o : openers_)
    if (o.name == name) return o.name + " (" + o.pattern() + ");;All files (*)";
  return "All files (*)";
}

}  // namespace trustct::ui
