#include "ui/wizard/CalibrationPropertyView.h"
#include "ui/ChartSupport.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/CertificateExplanationDialog.h"
#include "ui/wizard/WizardWidgets.h"
#include "viewer/CertificateBadgeBar.h"

namespace trustct::ui {
namespace {

constexpr int kBins = 20;

QLineSeries* verticalLine(const QColor& colour) {
  auto* line = new QLineSeries;
  line->setPen(QPen(colour, 2, Qt::DashLine));
  return line;
}

}  // namespace

CalibrationPropertyView::CalibrationPropertyView(const QString& title, const PropertyCalibration& calibration,
                                                 QWidget* parent)
    : QWidget(parent), calibration_(calibration) {
  const std::vector<double>& v = calibration_.values;  // sorted, not empty
  lo_ = v.front();
  hi_ = v.back();
  const double pad = std::max((hi_ - lo_) * 0.05, std::max(std::abs(hi_) * 0.05, 1e-9));
  lo_ -= pad;
  hi_ += pad;

  auto* chart = new QChart;
  chart->setTitle(tr("%1: %2 calibration values").arg(title).arg(v.size()));
  chart->legend()->setAlignment(Qt::AlignBottom);
  // Histogram as an outline scaled so its tallest bin reaches 1, sharing the CDF's axis.
  std::vector<int> counts(kBins, 0);
  const double width = (hi_ - lo_) / kBins;
  for (double x : v) ++counts[std::clamp(int((x - lo_) / width), 0, kBins - 1)];
  const int tallest = *std::max_element(counts.begin(), counts.end());
  histogram_ = new QLineSeries;
  histogram_->append(lo_, 0);
  for (int b = 0; b < kBins; ++b) {
    histogram_->append(lo_ + b * width, double(counts[b]) / tallest);
    histogram_->append(lo_ + (b + 1) * width, double(counts[b]) / tallest);
  }
  histogram_->append(hi_, 0);
  auto* area = new QAreaSeries(histogram_);
  area->setName(tr("histogram (tallest bin = 1)"));
  area->setColor(QColor(0x56, 0xB4, 0xE9, 90));
  area->setBorderColor(QColor(0x56, 0xB4, 0xE9));
  chart->addSeries(area);
  cdf_ = empiricalCdfSeries(v, lo_, hi_);
  cdf_->setName(tr("empirical CDF"));
  cdf_->setPen(QPen(QColor(0x00, 0x72, 0xB2), 2));
  chart->addSeries(cdf_);
  warning_ = verticalLine(viewer::BadgeStyle::of(Label::Warning).background);
  fail_ = verticalLine(viewer::BadgeStyle::of(Label::Fail).background);
  chart->addSeries(warning_);
  chart->addSeries(fail_);
  auto* x = new QValueAxis;
  x->setRange(lo_, hi_);
  x->setLabelFormat("%.3g");
  x->setTitleText(tr("property value (small is good)"));
  auto* y = new QValueAxis;
  y->setRange(0, 1.05);
  y->setTitleText(tr("F(value)"));
  attachAxes(chart, x, y);
  auto* view = makeChartView(chart, 240, this);

  pPass_ = namedDoubleSpinBox(this, "pPass", 3, 0, 1, 0.01, calibration_.pPass);
  pFail_ = namedDoubleSpinBox(this, "pFail", 3, 0, 1, 0.01, calibration_.pFail);
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  auto* form = new QFormLayout;
  form->addRow(tr("p_pass (pass if F(v) < p_pass)"), pPass_);
  form->addRow(tr("p_fail (fail if F(v) ≥ 1 − p_fail)"), pFail_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(view, 1);
  auto* row = new QHBoxLayout;
  row->addLayout(form);
  row->addWidget(summary_, 1);
  layout->addLayout(row);
  const auto edited = [this] {
    if (!setThresholds(pPass_->value(), pFail_->value()))
      summary_->setText(tr("Needs 0 ≤ p_pass ≤ 1 − p_fail ≤ 1; the thresholds stay as they were."));
  };
  connect(pPass_, &QDoubleSpinBox::valueChanged, this, edited);
  connect(pFail_, &QDoubleSpinBox::valueChanged, this, edited);
  drawThresholds();
}

bool CalibrationPropertyView::setThresholds(double pPass, double pFail) {
  if (!PropertyCalibration::validThresholds(pPass, pFail)) return false;
  calibration_.pPass = pPass;
  calibration_.pFail = pFail;
  const QSignalBlocker a(pPass_), b(pFail_);
  pPass_->setValue(pPass);
  pFail_->setValue(pFail);
  drawThresholds();
  Q_EMIT thresholdsChanged(pPass, pFail);
  return true;
}

void CalibrationPropertyView::drawThresholds() {
  const double warn = calibration_.warningThreshold(), fail = calibration_.failThreshold();
  warning_->clear();
  fail_->clear();
  if (std::isfinite(warn)) warning_->append({QPointF(warn, 0), QPointF(warn, 1.05)});
  if (std::isfinite(fail)) fail_->append({QPointF(fail, 0), QPointF(fail, 1.05)});
  warning_->setName(std::isfinite(warn) ? tr("warning from %1").arg(warn, 0, 'g', 4) : tr("no warning"));
  fail_->setName(std::isfinite(fail) ? tr("fail from %1").arg(fail, 0, 'g', 4) : tr("no fail"));
  summary_->setText(tr("pass below %1, warning below %2, fail from there on; source: %3")
                        .arg(std::isfinite(warn) ? QString::number(warn, 'g', 4) : tr("∞"),
                             std::isfinite(fail) ? QString::number(fail, 'g', 4) : tr("∞"),
                             describeCalibrationSource(calibration_.source)));
}

}  // namespace trustct::ui
