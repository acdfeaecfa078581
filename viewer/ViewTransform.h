#pragma once
// Mapping between image coordinates (x right, y down, pixel (i, j) covers [i, i+1) × [j, j+1)) and
// view coordinates (logical widget pixels). Zoom 1 fits the whole image into the view; the view centre
// shows image point (centerX, centerY). The VTK camera and the Qt overlays are both set from this.
namespace trustct::viewer {

struct PointF {
  double x = 0, y = 0;
};

class ViewTransform {
 public:
  ViewTransform(int imageWidth, int imageHeight, double viewWidth, double viewHeight, double zoom, double centerX,
                double centerY);
  double scale() const { return scale_; }  // view pixels per image pixel
  PointF toView(PointF image) const;
  PointF toImage(PointF view) const;
  double viewWidth() const { return viewW_; }
  double viewHeight() const { return viewH_; }

 private:
  double viewW_, viewH_, cx_, cy_, scale_;
};

}  // namespace trustct::viewer
