#pragma once
// Explains one certificate badge: the measured value, where it falls in the calibration
// distribution (CDF percentile), the thresholds, where the calibration came from, which part of the
// model the property checks, and a Qt Charts plot of the calibration CDF with this inference marked.
#include <QDialog>
#include <vector>

#include "certs/Certificate.h"
#include "certs/CertificateCalibration.h"
#include "certs/CertificateProperty.h"

class QLineSeries;

namespace trustct::ui {

class CertificateExplanationDialog : public QDialog {
  Q_OBJECT
 public:
  CertificateExplanationDialog(const QString& methodTitle, const Certificate& certificate,
                               const CertificateProperty& property, const PropertyCalibration& calibration,
                               const CertificateCalibration& provenance, QWidget* parent = nullptr);
  // Plain-text rows (field → text) as shown, for tests and accessibility.
  const QList<QPair<QString, QString>>& rows() const { return rows_; }

 private:
  QWidget* makeChart(const Certificate& certificate, const PropertyCalibration& calibration);
  QList<QPair<QString, QString>> rows_;
};

QString describeCalibrationSource(const std::string& source);  // "ground_truth" → sentence
// The empirical CDF of sorted calibration values as a step line from (lo, 0) to (hi, 1).
QLineSeries* empiricalCdfSeries(const std::vector<double>& sortedValues, double lo, double hi);
// Badge text of a property ("fidelity" → "Fidelity"), from the suite that defines it.
QString propertyTitle(const CertificateSuite& suite, const std::string& property);

}  // namespace trustct::ui
