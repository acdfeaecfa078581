#include "ui/wizard/StepSearchPage.h"
#include "ui/ChartSupport.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>
#include <cmath>

#include "ui/wizard/WizardCharts.h"
#include "ui/wizard/WizardJob.h"

namespace trustct::ui {

StepSearchPage::StepSearchPage(WizardSession& session, QWidget* parent) : QWizardPage(parent), session_(session) {
  setTitle(tr("3. Scale_L2O step sizes (Bayesian optimisation)"));
  setSubTitle(tr("Each trial trains K and R briefly with frozen (α, β, λ, s) and scores the validation PSNR; a "
                 "Gaussian process with expected improvement proposes the next trial."));
  job_ = new WizardJob(this);
  table_ = new QTableWidget(0, 7, this);
  table_->setObjectName("trialTable");
  table_->setHorizontalHeaderLabels({tr("Trial"), tr("Phase"), "α", "β", "λ", "s", tr("Val. PSNR dB")});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);

  auto* chart = new QChart;
  chart->setTitle(tr("Validation PSNR per trial and best so far"));
  chart->legend()->setAlignment(Qt::AlignBottom);
  trialPoints_ = new QScatterSeries;
  trialPoints_->setName(tr("trial"));
  trialPoints_->setMarkerSize(9);
  best_ = new QLineSeries;
  best_->setName(tr("best so far"));
  best_->setPen(QPen(QColor(0xE6, 0x9F, 0x00), 2.5));
  chart->addSeries(trialPoints_);
  chart->addSeries(best_);
  x_ = new QValueAxis;
  x_->setTitleText(tr("trial"));
  y_ = new QValueAxis;
  y_->setTitleText(tr("validation PSNR (dB)"));
  attachAxes(chart, x_, y_);
  auto* view = makeChartView(chart, 220, this);
  view->setObjectName("searchChart");

  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  start_ = new QPushButton(tr("Start search"), this);
  start_->setObjectName("startSearch");
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("cancelSearch");
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(progress_, 1);
  buttons->addWidget(start_);
  buttons->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  auto* split = new QHBoxLayout;
  split->addWidget(table_, 3);
  split->addWidget(view, 2);
  layout->addLayout(split, 1);
  layout->addLayout(buttons);
  layout->addWidget(status_);

  connect(start_, &QPushButton::clicked, this, &StepSearchPage::startSearch);
  connect(cancel_, &QPushButton::clicked, job_, &WizardJob::cancel);
  connect(job_, &WizardJob::progress, this, [this](double f, double, const QString& message) {
    progress_->setValue(int(1000 * f));
    status_->setText(message);
  });
  connect(job_, &WizardJob::finished, this, [this] {
    done_ = true;
    const auto& s = *session_.foundSteps;
    status_->setText(tr("Best steps: α %1, β %2, λ %3, s %4 — used as Scale_L2O's frozen steps (log: %5)")
                         .arg(s.alpha, 0, 'g', 4).arg(s.beta, 0, 'g', 4).arg(s.lambda, 0, 'g', 4).arg(s.s, 0, 'f', 3)
                         .arg(QString::fromStdString(session_.search.logPath)));
    Q_EMIT completeChanged();
  });
  connect(job_, &WizardJob::cancelled, this, [this] { status_->setText(tr("Search cancelled; start it again to continue.")); });
  connect(job_, &WizardJob::failed, this, [this](const QString& m) { status_->setText(tr("Search failed: %1").arg(m)); });
  connect(job_, &WizardJob::stopped, this, [this] {
    start_->setEnabled(true);
    cancel_->setEnabled(false);
  });
  cancel_->setEnabled(false);
}

void StepSearchPage::initializePage() {
  if (!done_ && !job_->isRunning()) startSearch();
}

void StepSearchPage::cleanupPage() {}  // going back keeps the search and its result

bool StepSearchPage::isComplete() const { return done_ && !job_->isRunning(); }

void StepSearchPage::startSearch() {
  done_ = false;
  session_.foundSteps.reset();
  table_->setRowCount(0);
  trialPoints_->clear();
  best_->clear();
  QDir().mkpath(session_.workDir());
  const StepSearchPlan plan = session_.search;
  const ReconstructionEnvironment env = session_.env;
  start_->setEnabled(false);
  cancel_->setEnabled(true);
  Q_EMIT completeChanged();
  job_->start("step-size search", [this, plan, env](JobContext& ctx) {
    const nlohmann::json log = searchStepSizes(plan, env, ctx, [this](const StepSearchTrial& t) {
      job_->post([this, t] { addTrial(t); });
    });
    const ConvL2ONetImpl::Steps best = bestSteps(log, plan.logPath);
    job_->post([this, best] { session_.foundSteps = best; });
  });
}

void StepSearchPage::addTrial(const StepSearchTrial& t) {
  const int row = table_->rowCount();
  table_->insertRow(row);
  const QStringList cells = {QString::number(t.trial),
                             t.initialDesign ? tr("initial design") : tr("expected improvement"),
                             QString::number(t.steps.alpha, 'g', 4),
                             QString::number(t.steps.beta, 'g', 4),
                             QString::number(t.steps.lambda, 'g', 4),
                             QString::number(t.steps.s, 'f', 3),
                             t.finite ? QString::number(t.validationPsnr, 'f', 2) : tr("diverged")};
  for (int c = 0; c < cells.size(); ++c) table_->setItem(row, c, new QTableWidgetItem(cells[c]));
  table_->scrollToBottom();
  trialPoints_->append(t.trial, t.validationPsnr);
  best_->append(t.trial, t.bestPsnr);
  double lo = t.validationPsnr, hi = t.bestPsnr;
  for (const QPointF& p : trialPoints_->points()) {
    lo = std::min(lo, p.y());
    hi = std::max(hi, p.y());
  }
  setCountRange(x_, 0, std::max(session_.search.trials, t.trial) + 1);
  y_->setRange(std::floor(lo - 0.5), std::ceil(hi + 0.5));
}

}  // namespace trustct::ui
