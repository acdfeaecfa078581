#include "ui/wizard/CalibrationPage.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>
#include <cmath>

#include "certs/Certifier.h"
#include "certs/DataRegularization.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/learned/models/UserModels.h"
#include "ui/wizard/CalibrationPropertyView.h"
#include "ui/wizard/WizardJob.h"
#include "ui/wizard/WizardWidgets.h"

namespace trustct::ui {

CalibrationPage::CalibrationPage(WizardSession& session, QWidget* parent) : QWizardPage(parent), session_(session) {
  setTitle(tr("5. Certificate calibration"));
  setSubTitle(tr("The new model reconstructs a calibration set (Ellipses, seeds apart from training and test); each "
                 "property's labels come from these values. Move p_pass / p_fail to place the thresholds."));
  job_ = new WizardJob(this);
  count_ = namedSpinBox(this, "calibrationCount", 20, 100000, 200);  // calibrate() needs at least 20 samples
  seed_ = namedSpinBox(this, "calibrationSeed", 0, 9999999, 500000);  // as `trustct-cli calibrate`
  start_ = new QPushButton(tr("Calibrate"), this);
  start_->setObjectName("startCalibration");
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  tabs_ = new QTabWidget(this);
  tabs_->setObjectName("propertyTabs");

  auto* form = new QFormLayout;
  form->addRow(tr("Calibration samples"), count_);
  form->addRow(tr("Calibration seed"), seed_);
  auto* row = new QHBoxLayout;
  row->addLayout(form);
  row->addWidget(start_);
  row->addWidget(progress_, 1);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(row);
  layout->addWidget(tabs_, 1);
  layout->addWidget(status_);

  connect(start_, &QPushButton::clicked, this, &CalibrationPage::startCalibration);
  connect(job_, &WizardJob::progress, this, [this](double f, double, const QString& m) {
    progress_->setValue(int(1000 * f));
    status_->setText(m);
  });
  connect(job_, &WizardJob::finished, this, &CalibrationPage::showCalibration);
  connect(job_, &WizardJob::failed, this, [this](const QString& m) { status_->setText(tr("Calibration failed: %1").arg(m)); });
  connect(job_, &WizardJob::cancelled, this, [this] { status_->setText(tr("Calibration cancelled.")); });
  connect(job_, &WizardJob::stopped, this, [this] {
    start_->setEnabled(true);
    Q_EMIT completeChanged();
  });
}

void CalibrationPage::initializePage() {
  if (!session_.calibration && !job_->isRunning()) startCalibration();
}

bool CalibrationPage::isComplete() const { return session_.calibration.has_value() && !job_->isRunning(); }

QList<CalibrationPropertyView*> CalibrationPage::propertyViews() const {
  QList<CalibrationPropertyView*> views;
  for (int i = 0; i < tabs_->count(); ++i) views << static_cast<CalibrationPropertyView*>(tabs_->widget(i));
  return views;
}

void CalibrationPage::startCalibration() {
  session_.calibration.reset();
  while (tabs_->count()) delete tabs_->widget(0);
  start_->setEnabled(false);
  Q_EMIT completeChanged();
  const ReconstructionEnvironment env = session_.env;
  const std::string dir = session_.workDir().toStdString(), name = session_.name.toStdString();
  const int64_t count = count_->value();
  const uint64_t seed = static_cast<uint64_t>(seed_->value());
  const double noise = session_.plan.train.noise;
  const std::string file = session_.calibrationFile().toStdString();
  job_->start("calibrate", [this, env, dir, name, count, seed, noise, file](JobContext& ctx) {
    // The same library call as `trustct-cli calibrate`, with the new model as the certifying model.
    const auto model = loadUserModel(env, dir, name);
    const SimulatedDataset data(env.op, PhantomKind::Ellipses, count, seed, NoiseModel::parse("gaussian", noise), true);
    const PropertyCalibration defaults;
    const CertificateSuite suite = suiteForModel(*model);
    std::map<std::string, QString> titles;
    for (const auto& p : suite.properties()) titles[p->name()] = QString::fromStdString(p->title());
    CertificateCalibration cal = calibrate(env, *model, suite, data, defaults.pPass, defaults.pFail, ctx);
    cal.provenance = "TrustCT training wizard: calibrate --model " + userMethodId(name) + " --count " +
                     std::to_string(count) + " --seed " + std::to_string(seed) + " --noise " + std::to_string(noise);
    cal.save(file);
    job_->post([this, cal, titles] {
      session_.calibration = cal;
      titles_ = titles;
    });
  });
}

void CalibrationPage::showCalibration() {
  if (!session_.calibration) return;
  for (const auto& [property, calibration] : session_.calibration->properties) {
    const QString title = titles_.count(property) ? titles_.at(property) : QString::fromStdString(property);
    auto* view = new CalibrationPropertyView(title, calibration, tabs_);
    view->setObjectName(QString::fromStdString(property));
    connect(view, &CalibrationPropertyView::thresholdsChanged, this, [this, property = property, view] {
      session_.calibration->properties[property] = view->calibration();
      save();
    });
    tabs_->addTab(view, title);
  }
  // Open on a property whose thresholds lie inside its values (ground-truth box values are all zero).
  for (int i = 0; i < tabs_->count(); ++i)
    if (std::isfinite(propertyViews()[i]->calibration().failThreshold())) {
      tabs_->setCurrentIndex(i);
      break;
    }
  status_->setText(tr("Calibration saved to %1").arg(session_.calibrationFile()));
}

void CalibrationPage::save() {
  try {
    session_.calibration->save(session_.calibrationFile().toStdString());
    status_->setText(tr("Thresholds saved to %1").arg(session_.calibrationFile()));
  } catch (const std::exception& e) {
    status_->setText(QString::fromStdString(e.what()));
  }
}

}  // namespace trustct::ui
