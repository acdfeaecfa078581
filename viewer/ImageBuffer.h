#pragma once
// A single-channel float image as the viewer shows it: row-major, row 0 at the top. No toolkit types,
// so the view-model, exports and tests can use it without a display.
#include <cstddef>
#include <utility>
#include <vector>

namespace trustct::viewer {

struct ImageBuffer {
  int width = 0;
  int height = 0;
  std::vector<float> pixels;  // width * height values

  bool empty() const { return width <= 0 || height <= 0; }
  float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
  bool contains(double x, double y) const { return x >= 0 && y >= 0 && x < width && y < height; }
  std::pair<float, float> range() const;  // (min, max); (0, 0) when empty
};

// a − b, pixel by pixel; both must have the same size.
ImageBuffer difference(const ImageBuffer& a, const ImageBuffer& b);

}  // namespace trustct::viewer
