#pragma once
// The certificate companion of an image panel: one chip per certified property and an overall
// verdict chip. Each label has a colour AND a symbol AND a word, so it reads without colour vision:
//   pass ✔ (bluish green) · warning ▲ (amber) · fail ✖ (vermilion)   — Okabe–Ito colours.
// Clicking a property chip emits badgeClicked(property) so the window can explain it.
#include <QColor>
#include <QString>
#include <QWidget>
#include <functional>
#include <string>

#include "certs/Certificate.h"

class QLayout;

namespace trustct::viewer {

struct BadgeStyle {
  QColor background;
  QColor text;
  QString symbol;
  static BadgeStyle of(Label label);
};

class CertificateBadgeBar : public QWidget {
  Q_OBJECT
 public:
  explicit CertificateBadgeBar(QWidget* parent = nullptr);
  // title: property → chip text ("fidelity" → "Fidelity").
  void setReport(const CertificateReport& report, const std::function<QString(const std::string&)>& title);
  void setMessage(const QString& text);  // no report: e.g. "no calibration"
  void clear();

 Q_SIGNALS:
  void badgeClicked(const QString& property);

 private:
  void clearChips();
  QLayout* layout_;
};

}  // namespace trustct::viewer
