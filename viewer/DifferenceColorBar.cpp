#include "viewer/DifferenceColorBar.h"

#include <QLinearGradient>
#include <QPainter>
#include <cmath>

#include "viewer/WindowedImage.h"

namespace trustct::viewer {

DifferenceColorBar::DifferenceColorBar(QWidget* parent) : QWidget(parent) {
  setObjectName("differenceColorBar");
  setAttribute(Qt::WA_TransparentForMouseEvents);
  setAttribute(Qt::WA_NoSystemBackground);
  setToolTip(tr("Difference to the reference: orange where the method is brighter, blue where it is darker"));
}

void DifferenceColorBar::setScale(double lower, double upper, const QString& unit) {
  lower_ = lower;
  upper_ = upper;
  unit_ = unit;
  update();
}

QString DifferenceColorBar::label(double value) const {
  const bool hu = !unit_.isEmpty();
  QString number = QString::number(std::abs(value), 'f', hu ? 0 : 3);
  if (std::abs(value) < (hu ? 0.5 : 0.0005)) return QStringLiteral("0");
  number.prepend(value > 0 ? QStringLiteral("+") : QString::fromUtf8("\u2212"));
  return hu ? number + " " + unit_ : number;
}

void DifferenceColorBar::paintEvent(QPaintEvent*) {
  QPainter p(this);
  // A dark backing: the labels sit over the image, which a difference map makes mostly white.
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(16, 18, 22, 170));
  p.drawRoundedRect(rect(), 3, 3);
  const int barW = 10, top = 8, bottom = height() - 8;
  const QRect bar(width() - barW - 4, top, barW, bottom - top);
  // The same ramp as the view's lookup table and the PNG export (divergingColor): t = 1 at the top.
  QLinearGradient g(bar.topLeft(), bar.bottomLeft());
  for (int i = 0; i <= 8; ++i) {
    const auto c = divergingColor(1.0 - i / 8.0);
    g.setColorAt(i / 8.0, QColor::fromRgbF(float(c[0]), float(c[1]), float(c[2])));
  }
  p.fillRect(bar, g);
  p.setPen(QColor(0x9A, 0xA3, 0xAF));
  p.setBrush(Qt::NoBrush);
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  QFont f = font();
  f.setPointSizeF(f.pointSizeF() * 0.8);
  p.setFont(f);
  const QRect text(0, 0, bar.left() - 3, height());
  p.setPen(QColor(0xE5, 0xE9, 0xF0));
  p.drawText(text.adjusted(0, top - 6, 0, 0), Qt::AlignRight | Qt::AlignTop, label(upper_));
  p.drawText(text, Qt::AlignRight | Qt::AlignVCenter, label((upper_ + lower_) / 2));
  p.drawText(text.adjusted(0, 0, 0, -(height() - bottom) + 6), Qt::AlignRight | Qt::AlignBottom, label(lower_));
}

}  // namespace trustct::viewer
