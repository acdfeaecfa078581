#include "viewer/CertificateBadgeBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace trustct::viewer {

BadgeStyle BadgeStyle::of(Label label) {
  switch (label) {
    case Label::Pass: return {QColor(0x00, 0x9E, 0x73), Qt::white, QString::fromUtf8("\u2714")};
    case Label::Warning: return {QColor(0xE6, 0x9F, 0x00), QColor(0x1A, 0x1A, 0x1A), QString::fromUtf8("\u25B2")};
    case Label::Fail: return {QColor(0xD5, 0x5E, 0x00), Qt::white, QString::fromUtf8("\u2716")};
  }
  return {};
}

namespace {
QString chipStyle(const BadgeStyle& s, bool bold) {
  return QString("QToolButton { background: %1; color: %2; border: none; border-radius: 9px; padding: 1px 7px;"
                 " font-weight: %3; }"
                 "QToolButton:hover { border: 1px solid white; }")
      .arg(s.background.name(), s.text.name(), bold ? "bold" : "normal");
}

QString verdictWord(Label l) {
  const std::string v = verdictText(l);
  return QString::fromStdString(v).left(1).toUpper() + QString::fromStdString(v).mid(1);
}
}  // namespace

CertificateBadgeBar::CertificateBadgeBar(QWidget* parent) : QWidget(parent), layout_(new QHBoxLayout(this)) {
  layout_->setContentsMargins(0, 0, 0, 0);
  layout_->setSpacing(4);
  layout_->addStretch(1);
}

void CertificateBadgeBar::clearChips() {
  while (layout_->count() > 1) {  // the trailing stretch stays
    QLayoutItem* item = layout_->takeAt(0);
    delete item->widget();
    delete item;
  }
}

void CertificateBadgeBar::clear() { clearChips(); }

void CertificateBadgeBar::setMessage(const QString& text) {
  clearChips();
  auto* label = new QLabel(text, this);
  label->setStyleSheet("color: #9AA3AF;");
  layout_->insertWidget(0, label);
}

void CertificateBadgeBar::setReport(const CertificateReport& report,
                                    const std::function<QString(const std::string&)>& title) {
  clearChips();
  int at = 0;
  auto* overall = new QToolButton(this);
  const BadgeStyle os = BadgeStyle::of(report.overall);
  overall->setObjectName("badge:overall");
  overall->setProperty("label", QString::fromStdString(labelName(report.overall)));
  overall->setText(os.symbol + " " + verdictWord(report.overall));
  overall->setStyleSheet(chipStyle(os, true));
  overall->setToolTip(tr("Overall verdict: the worst label of the certificates"));
  overall->setCursor(Qt::ArrowCursor);
  layout_->insertWidget(at++, overall);
  for (const Certificate& c : report.certificates) {
    auto* chip = new QToolButton(this);
    const BadgeStyle s = BadgeStyle::of(c.label);
    const QString property = QString::fromStdString(c.property);
    chip->setObjectName("badge:" + property);
    chip->setProperty("label", QString::fromStdString(labelName(c.label)));
    chip->setText(s.symbol + " " + title(c.property));
    chip->setStyleSheet(chipStyle(s, false));
    chip->setToolTip(tr("%1: %2 (value %3, %4th percentile of calibration) — click for details")
                         .arg(title(c.property), QString::fromStdString(labelName(c.label)))
                         .arg(c.value, 0, 'g', 4)
                         .arg(100 * c.cdf, 0, 'f', 1));
    chip->setCursor(Qt::PointingHandCursor);
    connect(chip, &QToolButton::clicked, this, [this, property] { Q_EMIT badgeClicked(property); });
    layout_->insertWidget(at++, chip);
  }
}

}  // namespace trustct::viewer
