#include "viewer/ViewTransform.h"

#include <algorithm>

namespace trustct::viewer {

ViewTransform::ViewTransform(int imageWidth, int imageHeight, double viewWidth, double viewHeight, double zoom,
                             double centerX, double centerY)
    : viewW_(viewWidth), viewH_(viewHeight), cx_(centerX), cy_(centerY) {
  const double fit = (imageWidth > 0 && imageHeight > 0)
                         ? std::min(viewWidth / imageWidth, viewHeight / imageHeight)
                         : 1.0;
  scale_ = std::max(fit, 1e-9) * zoom;
}

PointF ViewTransform::toView(PointF p) const {
  return {viewW_ / 2 + (p.x - cx_) * scale_, viewH_ / 2 + (p.y - cy_) * scale_};
}

PointF ViewTransform::toImage(PointF v) const {
  return {cx_ + (v.x - viewW_ / 2) / scale_, cy_ + (v.y - viewH_ / 2) / scale_};
}

}  // namespace trustct::viewer
