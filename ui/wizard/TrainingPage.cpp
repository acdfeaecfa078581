#include "ui/wizard/TrainingPage.h"
#include "ui/ChartSupport.h"

#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/wizard/WizardCharts.h"
#include "ui/wizard/WizardJob.h"

namespace trustct::ui {
namespace {

QChartView* lineChart(QWidget* parent, const QString& title, const QString& xTitle, const QString& yTitle,
                      QLineSeries* series, QValueAxis*& x, QValueAxis*& y) {
  auto* chart = new QChart;
  chart->setTitle(title);
  chart->legend()->hide();
  chart->addSeries(series);
  x = new QValueAxis;
  x->setTitleText(xTitle);
  y = new QValueAxis;
  y->setTitleText(yTitle);
  y->setLabelFormat("%.3g");
  attachAxes(chart, x, y);
  return makeChartView(chart, 200, parent);
}

// Axis range over a series' values with a little headroom, not below `floor` (a loss is never negative).
void fitY(QValueAxis* axis, const QLineSeries* s, double floor = -INFINITY) {
  double lo = INFINITY, hi = -INFINITY;
  for (const QPointF& p : s->points()) {
    lo = std::min(lo, p.y());
    hi = std::max(hi, p.y());
  }
  const double pad = std::max((hi - lo) * 0.1, std::abs(hi) * 0.02 + 1e-9);
  axis->setRange(std::max(floor, lo - pad), hi + pad);
}

QString duration(double seconds) {
  if (seconds < 0) return QObject::tr("estimating…");
  const int s = int(std::lround(seconds));
  return s >= 3600 ? QObject::tr("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60)
                   : QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
}

}  // namespace

TrainingPage::TrainingPage(WizardSession& session, QWidget* parent) : QWizardPage(parent), session_(session) {
  setTitle(tr("4. Training"));
  setSubTitle(tr("Mini-batch Adam on the MSE (JFB for the fixed-point models). Checkpoints go to the model's work "
                 "folder, so a cancelled or interrupted training resumes where it stopped."));
  job_ = new WizardJob(this);
  loss_ = new QLineSeries;
  loss_->setPen(QPen(QColor(0x00, 0x72, 0xB2), 1.5));
  psnr_ = new QLineSeries;
  psnr_->setPen(QPen(QColor(0x00, 0x9E, 0x73), 2));
  psnr_->setPointsVisible(true);
  QChartView* lossView = lineChart(this, tr("Training loss (MSE) per step"), tr("step"), tr("loss"), loss_, lossX_, lossY_);
  lossView->setObjectName("lossChart");
  QChartView* psnrView =
      lineChart(this, tr("Validation PSNR per epoch"), tr("epoch"), tr("PSNR (dB)"), psnr_, psnrX_, psnrY_);
  psnrView->setObjectName("psnrChart");
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  eta_ = new QLabel(this);
  eta_->setObjectName("eta");
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  plan_ = new QLabel(this);
  plan_->setWordWrap(true);
  start_ = new QPushButton(tr("Start training"), this);
  start_->setObjectName("startTraining");
  resume_ = new QPushButton(tr("Resume from checkpoint"), this);
  resume_->setObjectName("resumeTraining");
  pause_ = new QPushButton(tr("Pause"), this);
  pause_->setObjectName("pauseTraining");
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("cancelTraining");

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(plan_);
  auto* charts = new QHBoxLayout;
  charts->addWidget(lossView, 3);
  charts->addWidget(psnrView, 2);
  layout->addLayout(charts, 1);
  auto* row = new QHBoxLayout;
  row->addWidget(progress_, 1);
  row->addWidget(eta_);
  row->addWidget(start_);
  row->addWidget(resume_);
  row->addWidget(pause_);
  row->addWidget(cancel_);
  layout->addLayout(row);
  layout->addWidget(status_);

  connect(start_, &QPushButton::clicked, this, [this] { startTraining(false); });
  connect(resume_, &QPushButton::clicked, this, [this] { startTraining(true); });
  connect(pause_, &QPushButton::clicked, this, &TrainingPage::togglePause);
  connect(cancel_, &QPushButton::clicked, this, &TrainingPage::cancelTraining);
  connect(job_, &WizardJob::progress, this, [this](double f, double eta, const QString& message) {
    progress_->setValue(int(1000 * f));
    eta_->setText(tr("ETA %1").arg(duration(eta)));
    if (!job_->isPaused()) status_->setText(message);
  });
  connect(job_, &WizardJob::finished, this, [this] {
    done_ = true;
    progress_->setValue(1000);
    eta_->setText(tr("done"));
    status_->setText(tr("Training finished; model written to %1").arg(QString::fromStdString(session_.plan.outDir)));
  });
  connect(job_, &WizardJob::cancelled, this, [this] {
    status_->setText(tr("Cancelled at a batch boundary; the checkpoint is saved — Resume continues from it."));
  });
  connect(job_, &WizardJob::failed, this, [this](const QString& m) { status_->setText(tr("Training failed: %1").arg(m)); });
  connect(job_, &WizardJob::stopped, this, [this] {
    updateButtons();
    Q_EMIT completeChanged();
  });
  updateButtons();
}

void TrainingPage::initializePage() {
  if (session_.foundSteps) session_.plan.spec.steps = *session_.foundSteps;
  const TrainingPlan& p = session_.plan;
  plan_->setText(tr("<b>%1</b> as <b>user:%2</b>: %3 epochs × %4 training samples, batch %5, learning rate %6, "
                    "%7 iterations; work folder %8")
                     .arg(QString::fromStdString(modelDisplayName(p.spec.kind)), session_.name)
                     .arg(p.options.epochs)
                     .arg(p.train.count)
                     .arg(p.options.batchSize)
                     .arg(p.options.learningRate)
                     .arg(p.options.trainIterations)
                     .arg(session_.workDir()));
  updateButtons();
}

bool TrainingPage::hasCheckpoint() const { return QFile::exists(session_.checkpointFile()); }

bool TrainingPage::isComplete() const { return done_ && !job_->isRunning(); }

void TrainingPage::updateButtons() {
  const bool running = job_->isRunning();
  start_->setEnabled(!running);
  resume_->setEnabled(!running && hasCheckpoint() && !done_);
  pause_->setEnabled(running);
  pause_->setText(job_->isPaused() ? tr("Continue") : tr("Pause"));
  cancel_->setEnabled(running);
}

void TrainingPage::startTraining(bool resume) {
  if (job_->isRunning()) return;
  done_ = false;
  QDir().mkpath(session_.workDir());
  if (!resume) {
    QFile::remove(session_.checkpointFile());  // a fresh start must not pick up an older run
    loss_->clear();
    psnr_->clear();
  }
  TrainingPlan plan = session_.plan;
  plan.options.resume = resume;
  const ReconstructionEnvironment env = session_.env;
  TrainingObserver observer;
  observer.step = [this](int64_t step, double loss) { job_->post([this, step, loss] { addStep(step, loss); }); };
  observer.epoch = [this](int epoch, double, double psnr) { job_->post([this, epoch, psnr] { addEpoch(epoch, psnr); }); };
  job_->start("training", [plan, env, observer](JobContext& ctx) { trainModel(plan, env, ctx, observer); });
  status_->setText(resume ? tr("Resuming from the checkpoint…") : tr("Preparing the data…"));
  updateButtons();
  Q_EMIT completeChanged();
}

void TrainingPage::togglePause() {
  if (!job_->isRunning()) return;
  const bool pause = !job_->isPaused();
  job_->setPaused(pause);
  if (pause) status_->setText(tr("Paused at the next batch boundary; Continue resumes it."));
  updateButtons();
}

void TrainingPage::cancelTraining() {
  job_->cancel();
  status_->setText(tr("Stopping at the next batch boundary…"));
}

void TrainingPage::addStep(int64_t step, double loss) {
  // A resumed run repeats no steps: drop points beyond the checkpoint it continued from.
  while (loss_->count() > 0 && loss_->at(loss_->count() - 1).x() >= double(step)) loss_->remove(loss_->count() - 1);
  loss_->append(double(step), loss);
  setCountRange(lossX_, 0, std::max<double>(step, 1));
  fitY(lossY_, loss_, 0);
}

void TrainingPage::addEpoch(int epoch, double psnr) {
  while (psnr_->count() > 0 && psnr_->at(psnr_->count() - 1).x() >= epoch) psnr_->remove(psnr_->count() - 1);
  psnr_->append(epoch, psnr);
  setCountRange(psnrX_, 0, std::max(session_.plan.options.epochs, epoch));
  fitY(psnrY_, psnr_);
}

}  // namespace trustct::ui
