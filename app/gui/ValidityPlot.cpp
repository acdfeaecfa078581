#include "ValidityPlot.h"

#include <QChart>
#include <QChartView>
#include <QGridLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSaveFile>
#include <QValueAxis>
#include <QWidget>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace trustct::app {
namespace {

// The Okabe–Ito palette (colour-blind safe), as the badges use.
const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};

QLineSeries* curve(const nlohmann::json& power, const QString& name, const QColor& colour, Qt::PenStyle style) {
  auto* s = new QLineSeries;
  for (const auto& point : power.at("roc")) s->append(point.at(0).get<double>(), point.at(1).get<double>());
  s->setName(QString("%1 (AUROC %2)").arg(name).arg(power.at("auroc").get<double>(), 0, 'f', 3));
  QPen pen(colour, 2.2, style);
  s->setPen(pen);
  return s;
}

QChartView* methodChart(const nlohmann::json& method) {
  auto* chart = new QChart;
  chart->setTitle(QString::fromStdString(method.at("name").get<std::string>()));
  const auto& props = method.at("properties");
  int colour = 0;
  chart->addSeries(curve(props.at("overall"), "overall verdict", QColor(kColours[0]), Qt::SolidLine));
  for (const auto& [name, power] : props.items())
    if (name != "overall")
      chart->addSeries(curve(power, QString::fromStdString(name), QColor(kColours[++colour % 8]), Qt::DashLine));
  auto* chance = new QLineSeries;
  chance->append(0, 0);
  chance->append(1, 1);
  chance->setPen(QPen(Qt::gray, 1, Qt::DotLine));
  chart->addSeries(chance);
  auto* x = new QValueAxis;
  auto* y = new QValueAxis;
  x->setRange(0, 1);
  y->setRange(0, 1);
  x->setTitleText("false alarm rate (good images labelled fail)");
  y->setTitleText("detection (bad images labelled fail)");
  x->setLabelFormat("%.1f");
  y->setLabelFormat("%.1f");
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QAbstractSeries* s : chart->series()) {
    s->attachAxis(x);
    s->attachAxis(y);
  }
  chart->legend()->markers(chance).front()->setVisible(false);
  chart->legend()->setAlignment(Qt::AlignRight);  // one entry per line: names and AUROCs in full
  auto* view = new QChartView(chart);
  view->setRenderHint(QPainter::Antialiasing);
  return view;
}

}  // namespace

int plotValidity(const QString& json, const QString& out) {
  nlohmann::json validity;
  try {
    std::ifstream in(json.toStdString());
    if (!in) throw std::runtime_error("cannot open it");
    in >> validity;
    const auto& methods = validity.at("methods");
    if (!methods.is_object() || methods.empty()) throw std::runtime_error("no methods in it");
    QWidget page;
    auto* grid = new QGridLayout(&page);
    const int columns = methods.size() > 4 ? 3 : 2;
    int i = 0;
    for (const auto& [id, method] : methods.items()) {
      grid->addWidget(methodChart(method), i / columns, i % columns);
      ++i;
    }
    const int rows = (i + columns - 1) / columns;
    page.resize(760 * columns, 460 * rows);
    page.setAttribute(Qt::WA_DontShowOnScreen);  // laid out and painted, never on screen
    page.show();
    const QImage image = page.grab().toImage();
    QSaveFile file(out);
    if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
      std::fprintf(stderr, "trustct: %s: cannot write the plot\n", qPrintable(out));
      return 1;
    }
    std::printf("ROC curves of %d method(s) written to %s\n", i, qPrintable(out));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trustct: %s: not a validate-certificates JSON: %s\n", qPrintable(json), e.what());
    return 3;
  }
}

}  // namespace trustct::app
