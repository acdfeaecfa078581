#pragma once
// The scale of a difference map: the diverging blue–white–orange ramp from −limit (bottom) through 0
// (white) to +limit (top), labelled in HU for images in Hounsfield units and in image units otherwise.
// Without it a difference map shows where a method differs but not by how much. Symmetric by
// construction of the difference window (centred on 0), so equal colours mean equal and opposite errors.
#include <QString>
#include <QWidget>

namespace trustct::viewer {

class DifferenceColorBar : public QWidget {
 public:
  explicit DifferenceColorBar(QWidget* parent = nullptr);
  // lower/upper: the values at the ends of the ramp, in `unit` ("HU" or "" for image units).
  void setScale(double lower, double upper, const QString& unit);
  double lower() const { return lower_; }
  double upper() const { return upper_; }
  QString unit() const { return unit_; }
  QString label(double value) const;  // as drawn: "+1017 HU", "0", "−0.250"

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  double lower_ = -1, upper_ = 1;
  QString unit_;
};

}  // namespace trustct::viewer
