#include "viewer/ImageBuffer.h"

#include <algorithm>
#include <stdexcept>

namespace trustct::viewer {

std::pair<float, float> ImageBuffer::range() const {
  if (pixels.empty()) return {0.f, 0.f};
  const auto [lo, hi] = std::minmax_element(pixels.begin(), pixels.end());
  return {*lo, *hi};
}

ImageBuffer difference(const ImageBuffer& a, const ImageBuffer& b) {
  if (a.width != b.width || a.height != b.height)
    throw std::invalid_argument("difference of images of different sizes");
  ImageBuffer d{a.width, a.height, std::vector<float>(a.pixels.size())};
  for (size_t i = 0; i < a.pixels.size(); ++i) d.pixels[i] = a.pixels[i] - b.pixels[i];
  return d;
}

}  // namespace trustct::viewer
