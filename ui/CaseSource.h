#pragma once
// What the window reconstructs: a "case" = one sinogram, the reference image when it is known, and
// how to read its intensities. Case sources are the seam for new inputs: demo phantoms and sinogram
// .npy files live here; DICOM plugs in by adding an opener to CaseOpeners.
#include <torch/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/Phantom.h"
#include "recon/ReconstructionMethod.h"
#include "viewer/Intensity.h"

namespace trustct::ui {

struct CaseData {
  std::string title;       // "Shepp–Logan phantom (demo)", "sinogram_0003.npy"
  std::string origin;      // file path or demo id; what "recent files" stores
  torch::Tensor sinogram;  // (angles, bins), normalised data
  torch::Tensor reference; // (H, W) ground truth, undefined when unknown
  bool huCalibrated = false;  // intensities are μ/μ_max of a real scan: show Hounsfield units
  std::optional<viewer::WindowLevel> ownWindow;  // the window the file brings, if any
  std::string note;        // shown in the status bar, e.g. "first of 8 sinograms in the file"
};

class CaseSource {
 public:
  virtual ~CaseSource() = default;
  virtual std::string origin() const = 0;
  // InputError naming the file and the problem for anything unusable.
  virtual CaseData load(const ReconstructionEnvironment& env) const = 0;
};

// A built-in phantom with its exact (analytic) sinogram and 1.5 % Gaussian noise, as `trustct-cli demo`.
class DemoCaseSource : public CaseSource {
 public:
  explicit DemoCaseSource(PhantomKind kind, uint64_t seed = 7, double noise = 0.015);
  static std::unique_ptr<DemoCaseSource> fromOrigin(const std::string& origin);  // "demo:shepp-logan", "demo:ellipses:12"
  std::string origin() const override;
  CaseData load(const ReconstructionEnvironment& env) const override;

 private:
  PhantomKind kind_;
  uint64_t seed_;
  double noise_;
};

// A sinogram .npy ((angles, bins), or a batch whose first item is used). The reference is taken from
// the companion file when present: image_NNNN.npy next to sinogram_NNNN.npy (`trustct-cli simulate`)
// or reference.npy next to sinogram.npy (`trustct-cli demo --out`).
class SinogramNpySource : public CaseSource {
 public:
  explicit SinogramNpySource(std::string path);
  std::string origin() const override { return path_; }
  CaseData load(const ReconstructionEnvironment& env) const override;
  static std::string companionReference(const std::string& sinogramPath);  // "" when none exists

 private:
  std::string path_;
};

// File types the window can open. New inputs (DICOM) register an opener; the menu filter, drag and
// drop and `trustct FILE` all go through here.
class CaseOpeners {
 public:
  struct Opener {
    std::string name;     // "Sinogram (NumPy)"
    std::string pattern;  // "*.npy" for file dialogs
    std::function<bool(const std::string& path)> accepts;
    std::function<std::unique_ptr<CaseSource>(const std::string& path)> make;
  };
  static CaseOpeners& instance();
  void add(Opener opener);
  // demo:… origins and every registered file type; InputError naming the path when nothing accepts it.
  std::unique_ptr<CaseSource> open(const std::string& pathOrOrigin) const;
  std::string dialogFilter() const;  // "Sinogram (NumPy) (*.npy);;All files (*)"

 private:
  CaseOpeners();
  std::vector<Opener> openers_;
};

}  // namespace trustct::ui
