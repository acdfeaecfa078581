#pragma once
// The certificate companion of an image panel: one chip per certified property and an overall
// verdict chip. Each label has a colour AND a symbol AND a shape, and a fail also the word, so it reads
// without colour vision (vermilion is easily taken for amber):
//   pass ✔ bluish green #009E73, rounded · warning ▲ orange #E69F00, rounded ·
//   fail ✖ vermilion #D55E00, square-cornered with a white outline, "Fidelity · fail"  — Okabe–Ito colours.
// Clicking a chip emits badgeClicked(property), "overall" for the verdict, so the window can explain it;
// the tooltips name the calibration the labels were read against.
#include <QColor>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <string>
#include <vector>

#include "certs/Certificate.h"

class QLayout;

namespace trustct::viewer {

struct BadgeStyle {
  QColor background;
  QColor text;
  QString symbol;
  QString suffix;  // after a property's title: " · fail" (a fail says so in words, not only in colour)
  int radius = 9;  // corner radius: pills for pass and warning, square corners for fail
  QColor outline;  // invalid: none; fail: white, so its outline sets it apart at a glance
  static BadgeStyle of(Label label);
  // A property chip's text: "✖ Fidelity · fail".
  QString chipText(const QString& title) const { return symbol + " " + title + suffix; }
};

class ChipFlowLayout;

class CertificateBadgeBar : public QWidget {
  Q_OBJECT
 public:
  explicit CertificateBadgeBar(QWidget* parent = nullptr);
  // title: property → chip text ("fidelity" → "Fidelity").
  void setReport(const CertificateReport& report, const std::function<QString(const std::string&)>& title);
  void setMessage(const QString& text);  // no report: e.g. "no calibration"
  void clear();
  // Keeps room at any width for the chips of a report with these properties (and its overall verdict),
  // so a report arriving never resizes the panel's image view (each resize re-creates its GL
  // framebuffer and re-renders it on the GUI thread).
  void reserveFor(const QStringList& propertyTitles);

 Q_SIGNALS:
  void badgeClicked(const QString& property);

 private:
  void clearChips();
  ChipFlowLayout* layout_;
};

}  // namespace trustct::viewer
