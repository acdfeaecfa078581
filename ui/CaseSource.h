#pragma once
// What the window reconstructs: a "case" = one sinogram, the reference image when it is known, and
// how to read its intensities. Case sources are the seam for new inputs: demo phantoms live here, files
// (DICOM CT, sinograms) load through the library's loadReconstructionInput() like the CLI's.
#include <torch/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "recon/data/Phantom.h"
#include "recon/io/ModelGrid.h"
#include "recon/methods/ReconstructionMethod.h"
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
  GridImage grid;          // where the image lies and whose it is (DICOM identity): the certified export's input
  std::string description; // what the sinogram is, in one sentence (the export's Derivation Description)
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

// A file through loadReconstructionInput(): a DICOM CT file or series folder (the CT resampled to the
// model grid is the reference, the sinogram a simulated low-dose scan of it, intensities in HU) or a
// sinogram file as measured. A sinogram without its own reference takes the companion file when present:
// image_NNNN.npy next to sinogram_NNNN.npy (`trustct-cli simulate`) or reference.npy next to sinogram.npy
// (`trustct-cli demo --out`).
class InputFileSource : public CaseSource {
 public:
  explicit InputFileSource(std::string path);
  std::string origin() const override { return path_; }
  CaseData load(const ReconstructionEnvironment& env) const override;
  static std::string companionReference(const std::string& sinogramPath);  // "" when none exists

 private:
  std::string path_;
};

// File types the window can open. New inputs register an opener; the menu filter, drag and drop and
// `trustct FILE` all go through here.
class CaseOpeners {
 public:
  struct Opener {
    std::string name;     // "Sinogram"
    std::function<std::string()> pattern;  // "*.npy *.mha" for file dialogs
    std::function<bool(const std::string& path)> accepts;
    std::function<std::unique_ptr<CaseSource>(const std::string& path)> make;
  };
  static constexpr const char* kDicomType = "DICOM CT";
  static constexpr const char* kSinogramType = "Sinogram";
  static CaseOpeners& instance();
  void add(Opener opener);
  // demo:… origins and every registered file type; InputError naming the path when nothing accepts it.
  std::unique_ptr<CaseSource> open(const std::string& pathOrOrigin) const;
  std::string dialogFilter() const;  // "DICOM CT (*.dcm);;Sinogram (*.npy …);;All files (*)"
  std::string dialogFilter(const std::string& name) const;  // one type's filter, then "All files (*)"

 private:
  CaseOpeners();
  std::vector<Opener> openers_;
};

}  // namespace trustct::ui
