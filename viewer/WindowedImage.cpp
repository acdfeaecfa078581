#include "viewer/WindowedImage.h"

#include <algorithm>
#include <cmath>

namespace trustct::viewer {

std::array<double, 3> divergingColor(double t) {
  const double s = std::clamp(t, 0.0, 1.0) * 2 - 1;  // −1 … 1
  const double a = std::abs(s);
  static constexpr std::array<double, 3> blue{0.13, 0.40, 0.80}, orange{0.90, 0.50, 0.05};
  const auto& end = s < 0 ? blue : orange;
  return {1 - a * (1 - end[0]), 1 - a * (1 - end[1]), 1 - a * (1 - end[2])};
}

QImage toQImage(const ImageBuffer& image, const WindowLevel& window, bool diverging, int scale) {
  scale = std::max(scale, 1);
  QImage out(image.width * scale, image.height * scale, QImage::Format_RGB32);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double t = window.map(image.at(x, y));
      QRgb rgb;
      if (diverging) {
        const auto c = divergingColor(t);
        rgb = qRgb(int(std::lround(255 * c[0])), int(std::lround(255 * c[1])), int(std::lround(255 * c[2])));
      } else {
        const int g = int(std::lround(255 * t));
        rgb = qRgb(g, g, g);
      }
      for (int dy = 0; dy < scale; ++dy) {
        auto* line = reinterpret_cast<QRgb*>(out.scanLine(y * scale + dy));
        std::fill_n(line + x * scale, scale, rgb);
      }
    }
  }
  return out;
}

}  // namespace trustct::viewer
