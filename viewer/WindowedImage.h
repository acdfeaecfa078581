#pragma once
// Window/level and colour mapping of an ImageBuffer into a QImage, the same mapping the VTK view
// uses (grey ramp, or the blue–white–orange diverging map for signed differences). Used by exports.
#include <QImage>
#include <array>

#include "viewer/ImageBuffer.h"
#include "viewer/Intensity.h"

namespace trustct::viewer {

// t in [0, 1] → RGB in [0, 1]; t = 0.5 is white. Blue and orange stay apart for red–green deficiencies.
std::array<double, 3> divergingColor(double t);

// Nearest-neighbour upscaling by an integer factor keeps the true pixels visible.
QImage toQImage(const ImageBuffer& image, const WindowLevel& window, bool diverging, int scale = 1);

}  // namespace trustct::viewer
