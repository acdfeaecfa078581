#pragma once
// One certificate property's calibration: histogram and empirical CDF of its calibration values, the
// warning and fail thresholds marked, and p_pass / p_fail to move them.
#include <QWidget>

#include "certs/CertificateCalibration.h"

class QAreaSeries;
class QDoubleSpinBox;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace trustct::ui {

class CalibrationPropertyView : public QWidget {
  Q_OBJECT
 public:
  CalibrationPropertyView(const QString& title, const PropertyCalibration& calibration, QWidget* parent = nullptr);
  // Sets the thresholds (as the spin boxes do); false when 0 ≤ p_pass ≤ 1 − p_fail ≤ 1 does not hold.
  bool setThresholds(double pPass, double pFail);
  const PropertyCalibration& calibration() const { return calibration_; }
  QLineSeries* cdfSeries() const { return cdf_; }
  QLineSeries* histogramSeries() const { return histogram_; }
  QLineSeries* warningLine() const { return warning_; }
  QLineSeries* failLine() const { return fail_; }

 Q_SIGNALS:
  void thresholdsChanged(double pPass, double pFail);

 private:
  void drawThresholds();

  PropertyCalibration calibration_;
  QLineSeries *cdf_, *histogram_, *warning_, *fail_;
  QDoubleSpinBox *pPass_, *pFail_;
  QLabel* summary_;
  double lo_ = 0, hi_ = 1;
};

}  // namespace trustct::ui
