#include "viewer/Intensity.h"

#include <algorithm>
#include <cstdio>

namespace trustct::viewer {

double normalizedToHu(double x) { return (x * kMuMax / kMuWater - 1.0) * 1000.0; }
double huToNormalized(double hu) { return kMuWater * (1.0 + hu / 1000.0) / kMuMax; }
double differenceToHu(double dx) { return dx * 1000.0 * kMuMax / kMuWater; }

WindowLevel WindowLevel::fromHu(double widthHu, double levelHu) {
  return {huToNormalized(levelHu), widthHu * kMuWater / (1000.0 * kMuMax)};
}

double WindowLevel::widthHu() const { return width * 1000.0 * kMuMax / kMuWater; }
double WindowLevel::levelHu() const { return normalizedToHu(center); }

std::string formatWindowLevel(const WindowLevel& w, bool hounsfield) {
  char text[64];
  if (hounsfield) std::snprintf(text, sizeof text, "W %.0f L %.0f HU", w.widthHu(), w.levelHu());
  else std::snprintf(text, sizeof text, "W %.3f L %.3f", w.width, w.center);
  return text;
}

double WindowLevel::map(double v) const { return std::clamp((v - lower()) / width, 0.0, 1.0); }

}  // namespace trustct::viewer
