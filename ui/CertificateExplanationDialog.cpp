#include "ui/CertificateExplanationDialog.h"
#include "ui/ChartSupport.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "certs/CertificateExplanation.h"
#include "viewer/CertificateBadgeBar.h"

namespace trustct::ui {

QString describeCalibrationSource(const std::string& source) {
  if (source == "ground_truth")
    return QObject::tr("ground-truth images of the calibration set (what a correct image scores)");
  if (source.rfind("inference:", 0) == 0)
    return QObject::tr("reconstructions by model '%1' of the calibration set (what a normal output scores)")
        .arg(QString::fromStdString(source.substr(10)));
  return QString::fromStdString(source);
}

QLineSeries* empiricalCdfSeries(const std::vector<double>& v, double lo, double hi) {
  auto* cdf = new QLineSeries;
  cdf->append(lo, 0);
  for (size_t i = 0; i < v.size(); ++i) {  // a step function: F jumps at each value
    cdf->append(v[i], double(i) / v.size());
    cdf->append(v[i], double(i + 1) / v.size());
  }
  cdf->append(hi, 1);
  return cdf;
}

QString propertyTitle(const CertificateSuite& suite, const std::string& property) {
  if (const CertificateProperty* p = suite.find(property)) return QString::fromStdString(p->title());
  return QString::fromStdString(property);
}

namespace {
QString number(double v) {
  if (!std::isfinite(v)) return QObject::tr("none");
  return QString::number(v, 'g', 5);
}

QLabel* labelChip(Label label, const QString& text, QWidget* parent) {
  const viewer::BadgeStyle style = viewer::BadgeStyle::of(label);
  return new QLabel(QString("<span style='background:%1; color:%2; padding:2px 8px; border-radius:8px;'>&nbsp;%3 %4&nbsp;</span>"
                            "&nbsp;&nbsp;%5")
                        .arg(style.background.name(), style.text.name(), style.symbol,
                             QString::fromStdString(labelName(label)), text),
                    parent);
}

QLabel* wrapped(const QString& html, const char* name, QWidget* parent) {
  auto* l = new QLabel(html, parent);
  l->setObjectName(name);
  l->setWordWrap(true);
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}

QString calibrationText(const CertificateCalibration& cal) {
  return QObject::tr("%1, made with model '%2'")
      .arg(QString::fromStdString(cal.fingerprint()), QString::fromStdString(cal.modelId));
}

const PropertyCalibration kUncalibrated{};
}  // namespace

CertificateExplanationDialog::CertificateExplanationDialog(const QString& methodTitle, const Certificate& c,
                                                           const CertificateProperty& property,
                                                           const PropertyCalibration& cal,
                                                           const CertificateCalibration& provenance, QWidget* parent)
    : QDialog(parent) {
  setObjectName("certificateExplanation");
  const QString title = QString::fromStdString(property.title());
  setWindowTitle(tr("%1 — %2 certificate").arg(methodTitle, title));
  const viewer::BadgeStyle style = viewer::BadgeStyle::of(c.label);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(labelChip(c.label, tr("<b>%1</b> of the <b>%2</b> reconstruction").arg(title, methodTitle), this));
  // Plain words first, for the reader of the image; the numbers follow.
  const PlainExplanation plain = explainPlainly(c, property, cal.values.empty() ? nullptr : &cal);
  layout->addWidget(wrapped("<b>" + QString::fromStdString(plain.sentence).toHtmlEscaped() + "</b>", "plainSentence", this));
  layout->addWidget(wrapped(tr("<i>What to do:</i> %1").arg(QString::fromStdString(plain.advice).toHtmlEscaped()), "advice", this));
  auto* description = new QLabel(QString::fromStdString(property.description()), this);
  description->setWordWrap(true);
  layout->addWidget(description);

  const double warn = cal.warningThreshold(), fail = cal.failThreshold();
  rows_ = {
      {tr("Value"), number(c.value)},
      {tr("CDF percentile"), tr("%1 % of calibration values are ≤ this value").arg(100 * c.cdf, 0, 'f', 1)},
      {tr("Label"), QString::fromStdString(labelName(c.label))},
      {tr("Rule"), c.basis == "tolerance"
                       ? tr("pass if the solver reached its own stopping tolerance, fail if it stopped at its "
                            "iteration cap first (the calibration only places the value)")
                   : cal.pPass >= 1 - cal.pFail
                       ? tr("pass if F(v) < %1, fail otherwise (no warning band)").arg(cal.pPass)
                       : tr("pass if F(v) < %1; warning if %1 ≤ F(v) < %2; fail otherwise").arg(cal.pPass).arg(1 - cal.pFail)},
      {tr("Thresholds"), warn == fail ? tr("fail from %1").arg(number(fail))
                                      : tr("warning from %1, fail from %2").arg(number(warn), number(fail))},
      {tr("Calibration"), calibrationText(provenance)},
      {tr("Calibration source"), tr("%1; %2 values").arg(describeCalibrationSource(cal.source)).arg(cal.values.size())},
      {tr("Calibrated for"), tr("model '%1' (fingerprint %2)")
                                 .arg(QString::fromStdString(provenance.modelId),
                                      QString::fromStdString(provenance.modelFingerprint.substr(0, 12)))},
      {tr("Model part checked"), QString::fromStdString(property.modelPart())},
  };
  if (cal.exactTolerance >= 0)
    rows_.push_back({tr("Exact tolerance"), tr("values ≤ %1 pass outright").arg(number(cal.exactTolerance))});
  for (const auto& [key, value] : c.extras) {
    if (key == "percent_outside")  // the box certificate's share of pixels outside [0, 1]
      rows_.push_back({tr("Pixels outside the range"), tr("%1 %").arg(value, 0, 'f', 1)});
    else
      rows_.push_back({QString::fromStdString(key), number(value)});
  }
  if (!provenance.provenance.empty())
    rows_.push_back({tr("Made by"), QString::fromStdString(provenance.provenance)});

  auto* form = new QFormLayout;
  for (const auto& [key, value] : rows_) {
    auto* v = new QLabel(value, this);
    v->setWordWrap(true);
    v->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow("<b>" + key + "</b>", v);
  }
  layout->addLayout(form);
  layout->addWidget(makeChart(c, cal), 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(660, 720);
}

VerdictExplanationDialog::VerdictExplanationDialog(const QString& methodTitle, const CertificateReport& report,
                                                   std::shared_ptr<const Certifier> certifier, QWidget* parent)
    : QDialog(parent), certifier_(std::move(certifier)) {
  const Certifier& cert = *certifier_;
  setObjectName("verdictExplanation");
  setWindowTitle(tr("%1 — overall verdict").arg(methodTitle));
  const VerdictExplanation verdict =
      explainVerdict(report, methodTitle.toStdString(), cert.suite(), cert.calibration());
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(labelChip(report.overall,
                              tr("<b>%1</b>: the worst label of its certificates")
                                  .arg(QString::fromStdString(verdictText(report.overall))),
                              this));
  layout->addWidget(wrapped("<b>" + QString::fromStdString(verdict.sentence).toHtmlEscaped() + "</b>", "plainSentence", this));
  // What decided it, failures first: each opens its own explanation.
  for (const auto& [property, plain] : verdict.decisive) {
    const Certificate* c = report.find(property);
    auto* button = new QPushButton(viewer::BadgeStyle::of(c->label).symbol + " " +
                                       propertyTitle(cert.suite(), property) + " — " +
                                       QString::fromStdString(plain.sentence),
                                   this);
    button->setObjectName("decisive:" + QString::fromStdString(property));
    button->setStyleSheet("text-align: left; padding: 4px;");
    const QString name = QString::fromStdString(property);
    connect(button, &QPushButton::clicked, this, [this, methodTitle, report, name] {
      openCertificateExplanation(methodTitle, report, certifier_, name, parentWidget());
    });
    layout->addWidget(button);
  }
  layout->addWidget(wrapped(tr("<i>Calibration:</i> %1").arg(calibrationText(cert.calibration())), "calibration", this));
  layout->addStretch(1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(buttons);
  resize(560, 300);
}

QDialog* openCertificateExplanation(const QString& methodTitle, const CertificateReport& report,
                                    const std::shared_ptr<const Certifier>& certifier, const QString& property,
                                    QWidget* parent) {
  QDialog* dialog = nullptr;
  if (property == "overall") {
    dialog = new VerdictExplanationDialog(methodTitle, report, certifier, parent);
  } else {
    const Certificate* c = report.find(property.toStdString());
    const CertificateProperty* prop = certifier->suite().find(property.toStdString());
    if (!c || !prop) return nullptr;
    const PropertyCalibration* cal = certifier->calibration().find(property.toStdString());
    dialog = new CertificateExplanationDialog(methodTitle, *c, *prop, cal ? *cal : kUncalibrated,
                                              certifier->calibration(), parent);
  }
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

QWidget* CertificateExplanationDialog::makeChart(const Certificate& c, const PropertyCalibration& cal) {
  auto* chart = new QChart;
  chart->setTitle(tr("Calibration distribution (empirical CDF) and this inference"));
  chart->legend()->setAlignment(Qt::AlignBottom);
  const std::vector<double>& v = cal.values;  // sorted ascending
  double lo = std::min(v.empty() ? c.value : v.front(), c.value), hi = std::max(v.empty() ? c.value : v.back(), c.value);
  // Wide spreads of positive values (a failing fidelity can be 100× the calibration values) need a log axis.
  const bool logAxis = lo > 0 && hi / lo > 50;
  if (!logAxis) {
    const double pad = std::max((hi - lo) * 0.05, std::max(std::abs(hi) * 0.05, 1e-3));
    lo -= pad;
    hi += pad;
  } else {
    lo /= 1.2;
    hi *= 1.2;
  }
  QLineSeries* cdf = empiricalCdfSeries(v, lo, hi);
  cdf->setName(tr("calibration CDF (%1 values)").arg(v.size()));
  cdf->setPen(QPen(QColor(0x56, 0xB4, 0xE9), 2));
  chart->addSeries(cdf);

  const viewer::BadgeStyle style = viewer::BadgeStyle::of(c.label);
  auto* marker = new QLineSeries;
  marker->setName(tr("this inference: %1 (%2)").arg(c.value, 0, 'g', 4).arg(QString::fromStdString(labelName(c.label))));
  marker->append(c.value, 0);
  marker->append(c.value, 1);
  marker->setPen(QPen(style.background, 2.5));
  chart->addSeries(marker);
  auto* point = new QScatterSeries;
  point->append(c.value, c.cdf);
  point->setColor(style.background);
  point->setMarkerSize(11);
  chart->addSeries(point);
  chart->legend()->markers(point).first()->setVisible(false);

  const double threshold = cal.failThreshold();
  if (std::isfinite(threshold)) {
    auto* t = new QLineSeries;
    t->setName(tr("fail threshold %1").arg(threshold, 0, 'g', 4));
    t->append(threshold, 0);
    t->append(threshold, 1);
    t->setPen(QPen(viewer::BadgeStyle::of(Label::Fail).background, 1.5, Qt::DashLine));
    chart->addSeries(t);
  }

  QAbstractAxis* x;
  if (logAxis) {
    auto* ax = new QLogValueAxis;
    ax->setBase(10);
    ax->setLabelFormat("%.3g");
    ax->setRange(lo, hi);
    x = ax;
  } else {
    auto* ax = new QValueAxis;
    ax->setLabelFormat("%.3g");
    ax->setRange(lo, hi);
    x = ax;
  }
  x->setTitleText(tr("property value (small is good)"));
  auto* y = new QValueAxis;
  y->setRange(0, 1.02);
  y->setTitleText(tr("F(value)"));
  attachAxes(chart, x, y);
  auto* view = makeChartView(chart, 280, this);
  view->setObjectName("calibrationChart");
  return view;
}

}  // namespace trustct::ui
