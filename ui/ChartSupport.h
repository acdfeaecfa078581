#pragma once
// What every Qt Charts plot of the application shares: axes at the bottom and left with every series
// attached, and an antialiased view.
#include <QtCharts/QChart>
#include <QtCharts/QChartView>

namespace trustct::ui {

// Adds x (bottom) and y (left) to `chart` and attaches every series already in it to both.
void attachAxes(QChart* chart, QAbstractAxis* x, QAbstractAxis* y);
// An antialiased view of `chart`, at least `minimumHeight` pixels high.
QChartView* makeChartView(QChart* chart, int minimumHeight, QWidget* parent);

}  // namespace trustct::ui
