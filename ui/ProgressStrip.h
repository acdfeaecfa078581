#pragma once
// A thin progress bar that repaints with the next frame. QProgressBar::setValue() repaints at once,
// and with VTK panels (QOpenGLWidget) in the window every repaint composites the whole window — with
// software OpenGL 40–80 ms of the event loop per progress update. It keeps its space when hidden, so
// showing or hiding it never resizes the image view above it.
#include <QWidget>

namespace trustct::ui {

class ProgressStrip : public QWidget {
 public:
  explicit ProgressStrip(QWidget* parent = nullptr);
  void setFraction(double fraction);  // clamped to [0, 1]
  double fraction() const { return fraction_; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  double fraction_ = 0;
};

}  // namespace trustct::ui
