#pragma once
// Explains one certificate badge: first in plain words (certs/CertificateExplanation.h) what was found and
// what to do, then the measured value, where it falls in the calibration distribution (CDF percentile),
// the thresholds, the calibration it was read against, which part of the model the property checks, and
// a Qt Charts plot of the calibration CDF with this inference marked. The overall verdict has its own
// dialog that lists the certificates that decided it, each opening its explanation.
#include <QDialog>
#include <memory>
#include <vector>

#include "certs/Certificate.h"
#include "certs/CertificateCalibration.h"
#include "certs/CertificateProperty.h"
#include "certs/Certifier.h"

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

class VerdictExplanationDialog : public QDialog {
  Q_OBJECT
 public:
  VerdictExplanationDialog(const QString& methodTitle, const CertificateReport& report,
                           std::shared_ptr<const Certifier> certifier, QWidget* parent = nullptr);

 private:
  std::shared_ptr<const Certifier> certifier_;  // the one that labelled the report, for the explanations it opens
};

// Opens (non-modal, deleted on close) the explanation of `property` of a certified result, or of its
// overall verdict for property "overall"; null when the report has no such certificate.
QDialog* openCertificateExplanation(const QString& methodTitle, const CertificateReport& report,
                                    const std::shared_ptr<const Certifier>& certifier, const QString& property,
                                    QWidget* parent);

QString describeCalibrationSource(const std::string& source);  // "ground_truth" → sentence
// The empirical CDF of sorted calibration values as a step line from (lo, 0) to (hi, 1).
QLineSeries* empiricalCdfSeries(const std::vector<double>& sortedValues, double lo, double hi);
// Badge text of a property ("fidelity" → "Fidelity"), from the suite that defines it.
QString propertyTitle(const CertificateSuite& suite, const std::string& property);

}  // namespace trustct::ui
