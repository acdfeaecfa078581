#include "ui/wizard/TrainingWizard.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QStandardPaths>

#include "ui/MainWindow.h"
#include "ui/wizard/CalibrationPage.h"
#include "ui/wizard/DataPage.h"
#include "ui/wizard/MethodPage.h"
#include "ui/wizard/StepSearchPage.h"
#include "ui/wizard/SummaryPage.h"
#include "ui/wizard/TrainingPage.h"
#include "ui/wizard/WizardJob.h"

namespace trustct::ui {

TrainingWizard::TrainingWizard(ReconstructionEnvironment env, const QString& modelsRoot, const QString& trainingRoot,
                               QWidget* parent)
    : QWizard(parent) {
  setObjectName("trainingWizard");
  setWindowTitle(tr("Train and calibrate a model"));
  setWizardStyle(QWizard::ModernStyle);
  setOption(QWizard::NoBackButtonOnLastPage);
  session_.env = std::move(env);
  session_.modelsRoot = modelsRoot;
  session_.trainingRoot = trainingRoot;
  data_ = new DataPage(session_, this);
  method_ = new MethodPage(session_, StepSearch, Training, this);
  search_ = new StepSearchPage(session_, this);
  training_ = new TrainingPage(session_, this);
  calibration_ = new CalibrationPage(session_, this);
  summary_ = new SummaryPage(session_, this);
  setPage(Data, data_);
  setPage(Method, method_);
  setPage(StepSearch, search_);
  setPage(Training, training_);
  setPage(Calibration, calibration_);
  setPage(Summary, summary_);
  setStartId(Data);
  connect(summary_, &SummaryPage::published, this, &TrainingWizard::modelPublished);
  askToStop_ = [this] {
    return QMessageBox::question(this, tr("Stop the running work?"),
                                 tr("Work is still running. Stop it and close? A training stops at its next batch "
                                    "after saving its checkpoint, so it can be resumed later.")) == QMessageBox::Yes;
  };
  resize(1100, 760);
}

QList<WizardJob*> TrainingWizard::jobs() const {
  return {data_->job(), search_->job(), training_->job(), calibration_->job()};
}

bool TrainingWizard::isWorking() const {
  for (WizardJob* j : jobs())
    if (j && j->isRunning()) return true;
  return false;
}

bool TrainingWizard::stopWorkBeforeClosing(int result) {
  if (!isWorking()) return true;
  if (closing_ || !askToStop_()) return false;
  closing_ = true;
  for (WizardJob* j : jobs()) {
    if (!j || !j->isRunning()) continue;
    connect(j, &WizardJob::stopped, this, [this, result] {
      if (!isWorking()) QWizard::done(result);  // the checkpoint is on disk by now
    });
    j->cancel();
  }
  return false;
}

void TrainingWizard::done(int result) {
  if (stopWorkBeforeClosing(result)) QWizard::done(result);
}

QAction* installTrainingWizard(MainWindow& window) {
  auto* action = new QAction(QObject::tr("&Train and calibrate a model…"), &window);
  action->setObjectName("trainingWizardAction");
  QObject::connect(action, &QAction::triggered, &window, [&window] {
    if (auto* open = window.findChild<TrainingWizard*>()) return open->raise();
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/TrustCT";
    auto* wizard = new TrainingWizard(window.session()->environment(), ComparisonSession::userModelsFolder(),
                                      data + "/training", &window);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(wizard, &TrainingWizard::modelPublished, &window, [&window] { window.refreshMethods(); });
    wizard->show();
  });
  window.toolsMenu()->addAction(action);
  return action;
}

}  // namespace trustct::ui
