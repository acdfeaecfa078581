#include "ui/ProgressStrip.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

namespace trustct::ui {

ProgressStrip::ProgressStrip(QWidget* parent) : QWidget(parent) {
  setFixedHeight(6);
  QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  policy.setRetainSizeWhenHidden(true);
  setSizePolicy(policy);
}

void ProgressStrip::setFraction(double fraction) {
  fraction = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  if (int(fraction * width()) != int(fraction_ * width())) update();  // only when a pixel changes
  fraction_ = fraction;
}

void ProgressStrip::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  const QRectF r = rect();
  p.setBrush(QColor(0x2C, 0x32, 0x3C));
  p.drawRoundedRect(r, 3, 3);
  if (fraction_ > 0) {
    p.setBrush(QColor(0x56, 0xB4, 0xE9));
    p.drawRoundedRect(QRectF(r.x(), r.y(), std::max(r.height(), r.width() * fraction_), r.height()), 3, 3);
  }
}

}  // namespace trustct::ui
