#include "WizardScreenshots.h"

#include <QCheckBox>
#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QMenu>
#include <QSaveFile>
#include <QSpinBox>
#include <QThread>
#include <QLineEdit>
#include <cstdio>
#include <functional>

#include "ui/MainWindow.h"
#include "ui/wizard/CalibrationPage.h"
#include "ui/wizard/DataPage.h"
#include "ui/wizard/MethodPage.h"
#include "ui/wizard/StepSearchPage.h"
#include "ui/wizard/SummaryPage.h"
#include "ui/wizard/TrainingPage.h"
#include "ui/wizard/TrainingWizard.h"
#include "ui/wizard/WizardJob.h"

namespace trustct::app {
namespace {

bool waitUntil(const std::function<bool()>& done, int seconds) {
  QElapsedTimer timer;
  timer.start();
  while (!done()) {
    if (timer.elapsed() > seconds * 1000) return false;
    QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(20);
  }
  return true;
}

bool save(QWidget& w, const QString& path) {
  waitUntil([] { return false; }, 1);  // let charts and layouts settle
  const QImage image = w.grab().toImage();
  QSaveFile file(path);
  if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
    std::fprintf(stderr, "trustct: %s: cannot write the screenshot\n", qPrintable(path));
    return false;
  }
  std::printf("wizard page %dx%d written to %s\n", image.width(), image.height(), qPrintable(path));
  return true;
}

void setSpin(QWidget* page, const char* name, int value) {
  if (auto* s = page->findChild<QSpinBox*>(name)) s->setValue(value);
}

}  // namespace

int takeWizardScreenshots(ui::MainWindow& window, const QString& dir) {
  QDir().mkpath(dir);
  window.findChild<QAction*>("trainingWizardAction")->trigger();
  auto* wizard = window.findChild<ui::TrainingWizard*>();
  if (!wizard) return 1;
  const auto failed = [&](const char* what) {
    std::fprintf(stderr, "trustct: wizard screenshots: %s\n", what);
    return 1;
  };
  constexpr int kMinutes = 60 * 10;
  waitUntil([&] { return wizard->isVisible(); }, 10);

  ui::DataPage* data = wizard->dataPage();
  setSpin(data, "trainCount", 16);
  setSpin(data, "validationCount", 4);
  data->showPreview();
  if (!waitUntil([&] { return data->previewCount() == 4; }, 60)) return failed("no preview");
  if (!save(*wizard, dir + "/page-1.png")) return 1;

  wizard->next();
  QWidget* method = wizard->methodPage();
  method->findChild<QLineEdit*>("modelName")->setText("demo-scale-l2o");
  setSpin(method, "epochs", 3);
  setSpin(method, "batch", 4);
  setSpin(method, "trainIterations", 10);
  setSpin(method, "trials", 4);
  setSpin(method, "initialTrials", 2);
  setSpin(method, "trialSteps", 2);
  if (!save(*wizard, dir + "/page-2.png")) return 1;

  wizard->next();  // the search starts by itself
  if (!waitUntil([&] { return wizard->stepSearchPage()->isComplete(); }, kMinutes)) return failed("search did not finish");
  if (!save(*wizard, dir + "/page-3.png")) return 1;

  wizard->next();
  wizard->trainingPage()->startTraining(false);
  if (!waitUntil([&] { return wizard->trainingPage()->isComplete(); }, kMinutes)) return failed("training did not finish");
  if (!save(*wizard, dir + "/page-4.png")) return 1;

  setSpin(wizard->calibrationPage(), "calibrationCount", 40);
  wizard->next();  // calibration starts by itself
  if (!waitUntil([&] { return wizard->calibrationPage()->isComplete(); }, kMinutes)) return failed("calibration did not finish");
  if (!save(*wizard, dir + "/page-5.png")) return 1;

  wizard->next();
  if (!save(*wizard, dir + "/page-6.png")) return 1;
  // The screenshots' few-minute model is below FBP: it is saved with the research override (page 6 shows why).
  if (auto* allow = wizard->summaryPage()->findChild<QCheckBox*>("allowBelowFbp"); allow && !allow->isHidden())
    allow->setChecked(true);
  wizard->accept();  // publishes into the user's model folder
  return wizard->summaryPage()->publishedDirectory().isEmpty() ? failed("the model was not saved") : 0;
}

}  // namespace trustct::app
