#include "viewer/Intensity.h"

#include <algorithm>

namespace trustct::viewer {

double normalizedToHu(double x) { return (x * kMuMax / kMuWater - 1.0) * 1000.0; }
double huToNormalized(double hu) { return kMuWater * (1.0 + hu / 1000.0) / kMuMax; }

WindowLevel WindowLevel::fromHu(double widthHu, double levelHu) {
  return {huToNormalized(levelHu), widthHu * kMuWater / (1000.0 * kMuMax)};
}

double WindowLevel::widthHu() const { return width * 1000.0 * kMuMax / kMuWater; }
double WindowLevel::levelHu() const { return normalizedToHu(center); }

double WindowLevel::map(double v) const { return std::clamp((v - lower()) / width, 0.0, 1.0); }

}  // namespace trustct::viewer
