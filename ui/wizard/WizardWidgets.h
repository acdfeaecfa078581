#pragma once
// Named spin boxes for the wizard's forms: the object name lets tests and the screenshot tool find a
// field the way a user reads it.
#include <QDoubleSpinBox>
#include <QSpinBox>

namespace trustct::ui {

inline QSpinBox* namedSpinBox(QWidget* parent, const char* name, int lo, int hi, int value) {
  auto* s = new QSpinBox(parent);
  s->setObjectName(name);
  s->setRange(lo, hi);
  s->setValue(value);
  return s;
}

inline QDoubleSpinBox* namedDoubleSpinBox(QWidget* parent, const char* name, int decimals, double lo, double hi,
                                          double step, double value) {
  auto* s = new QDoubleSpinBox(parent);
  s->setObjectName(name);
  s->setDecimals(decimals);
  s->setRange(lo, hi);
  s->setSingleStep(step);
  s->setValue(value);
  return s;
}

}  // namespace trustct::ui
