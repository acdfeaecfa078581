#pragma once
// Axes of the wizard's live charts: whole-number ticks for trials, steps and epochs.
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

namespace trustct::ui {

// [lo, hi] with ticks on whole numbers, at most about eight of them.
inline void setCountRange(QValueAxis* axis, double lo, double hi) {
  axis->setRange(lo, hi);
  axis->setLabelFormat("%d");
  axis->setTickType(QValueAxis::TicksDynamic);
  axis->setTickAnchor(0);
  axis->setTickInterval(std::max(1.0, std::ceil((hi - lo) / 8)));
}

}  // namespace trustct::ui
