#pragma once
// Intensities in TrustCT images are x = μ/μ_max in [0, 1] (LoDoPaB-CT's normalisation,
// docs/researcher-guide.md §2).
// Hounsfield units follow from μ = μ_water·(1 + HU/1000); window/level is kept in normalised units and
// converted at the edges (presets are written in HU as radiologists know them).
#include <string>

namespace trustct::viewer {

constexpr double kMuWater = 20.0;     // m⁻¹
constexpr double kMuMax = 81.35858;   // m⁻¹

double normalizedToHu(double x);
double huToNormalized(double hu);
// A difference of normalised intensities in HU (no −1000 offset: a difference of two HU values).
double differenceToHu(double dx);

struct WindowLevel {
  double center = 0.5;  // normalised units
  double width = 1.0;   // normalised units, > 0

  static WindowLevel fromHu(double widthHu, double levelHu);
  double widthHu() const;
  double levelHu() const;
  double lower() const { return center - width / 2; }
  double upper() const { return center + width / 2; }
  // Grey value in [0, 1] of intensity v under this window.
  double map(double v) const;
  bool operator==(const WindowLevel& o) const { return center == o.center && width == o.width; }
  bool operator!=(const WindowLevel& o) const { return !(*this == o); }
};

// The corner read-out of a panel: "W 350 L 50 HU" for an image in Hounsfield units, else the image's own
// units ("W 1.000 L 0.500"): HU shown for a phantom would be numbers of no tissue.
std::string formatWindowLevel(const WindowLevel& w, bool hounsfield);

}  // namespace trustct::viewer
