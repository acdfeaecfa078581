#include "ui/ChartSupport.h"

#include <QtCharts/QAbstractSeries>

namespace trustct::ui {

void attachAxes(QChart* chart, QAbstractAxis* x, QAbstractAxis* y) {
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
}

QChartView* makeChartView(QChart* chart, int minimumHeight, QWidget* parent) {
  auto* view = new QChartView(chart, parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(minimumHeight);
  return view;
}

}  // namespace trustct::ui
