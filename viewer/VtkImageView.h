#pragma once
// One image panel: VTK 9.1 renders the image (and the zoom-region insets) through a
// vtkGenericOpenGLRenderWindow that draws into this QOpenGLWidget's context — VTK's own Qt module is
// built for Qt 5 and is not used. Zoom, pan, window/level, cursor and regions come from the shared
// ViewLinkCoordinator; mouse input is turned into coordinator calls, so linking lives in one place.
// Which drag does what is the MouseBindings table (reading room by default: left window/level, middle
// pan, right zoom; wheel zoom; Ctrl + left a zoom region; double click the initial view).
// Corners: the window/level read-out (bottom left) and, for a difference map, its colour bar (right).
#include <QColor>
#include <QLabel>
#include <QOpenGLWidget>
#include <QPointF>
#include <QString>
#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "viewer/ImageBuffer.h"
#include "viewer/MouseBindings.h"
#include "viewer/ViewLinkCoordinator.h"

namespace trustct::viewer {

class ViewOverlay;
class DifferenceColorBar;

class VtkImageView : public QOpenGLWidget {
  Q_OBJECT
 public:
  enum class ColorMap { Grey, Diverging };  // Diverging: blue–white–orange for signed differences

  VtkImageView(ViewLinkCoordinator& coordinator, int panel, QWidget* parent = nullptr);
  // OpenGL 3.2 core with depth 24, stencil 8, alpha 8, as VTK needs: call before QApplication exists.
  static void installDefaultSurfaceFormat();
  ~VtkImageView() override;

  void setImage(const ImageBuffer& image, ColorMap map = ColorMap::Grey);
  void clearImage();
  const ImageBuffer& image() const { return image_; }
  bool hasImage() const { return !image_.empty(); }
  ColorMap colorMap() const { return colorMap_; }
  void setPlaceholder(const QString& text);  // shown while there is no image
  // Diverging images use this fixed window (symmetric about 0), not the panel's linked window/level.
  void setDifferenceWindow(WindowLevel window) { differenceWindow_ = window; update(); }
  WindowLevel effectiveWindow() const;
  QString placeholder() const { return placeholder_; }
  void setRegionTool(bool on) { regionTool_ = on; }
  void setMouseScheme(MouseScheme s) { scheme_ = s; }
  MouseScheme mouseScheme() const { return scheme_; }
  // Intensities are μ/μ_max of a real scan: window/level and differences are read out in HU.
  void setHounsfield(bool on);
  bool hounsfield() const { return hounsfield_; }
  // The corner read-out as shown ("W 350 L 50 HU"); hidden without an image and on a difference map,
  // whose scale is the colour bar instead.
  QLabel* windowLevelLabel() const { return windowLabel_; }
  DifferenceColorBar* colorBar() const { return colorBar_; }
  int panel() const { return panel_; }
  // View rectangles (x, y, w, h) of the insets showing the regions: along the top edge, right to left.
  static std::vector<std::pair<int, std::array<double, 4>>> insetLayout(const std::vector<ZoomRegion>& regions,
                                                                        double viewWidth, double viewHeight);
  ViewTransform transform() const;

 Q_SIGNALS:
  void cursorMoved(int panel, double x, double y);  // image coordinates
  void cursorLeft(int panel);

 protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;
  void resizeEvent(QResizeEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void wheelEvent(QWheelEvent* e) override;
  void leaveEvent(QEvent* e) override;

 private:
  friend class ViewOverlay;
  struct Vtk;
  void onCoordinatorChange(int panel, int changes);
  void syncScene();        // camera, window/level, insets from the coordinator
  void releaseGraphics();  // before the context goes away
  void updateReadouts();   // window/level text and the colour bar, after any change of window or image
  void placeReadouts();
  void warmUp();           // first frame: compile the image shaders before any image arrives
  void makeContextCurrent();
  bool contextIsCurrent() const;

  ViewLinkCoordinator& coordinator_;
  int panel_;
  int token_ = 0;
  std::unique_ptr<Vtk> vtk_;
  ViewOverlay* overlay_;
  ImageBuffer image_;
  ColorMap colorMap_ = ColorMap::Grey;
  WindowLevel differenceWindow_{0.0, 0.5};
  QString placeholder_;
  bool regionTool_ = false;
  bool hounsfield_ = false;
  MouseScheme scheme_ = MouseScheme::ReadingRoom;
  QLabel* windowLabel_;
  DifferenceColorBar* colorBar_;
  bool glReady_ = false;
  bool warmedUp_ = false;

  DragAction drag_ = DragAction::None;
  QPointF dragStart_, dragLast_;
  WindowLevel dragWindow_;  // at the press: a window drag is relative to it
  double dragZoom_ = 1;     // at the press: a zoom drag is relative to it
  PointF dragAnchor_;       // the image point under the press, which a zoom drag keeps in place
  std::optional<std::pair<PointF, PointF>> rubberBand_;  // image coordinates while drawing a region
};

// Region colours (Okabe–Ito, distinguishable with colour-vision deficiencies), by position in the list.
QColor regionColor(int index);

}  // namespace trustct::viewer
