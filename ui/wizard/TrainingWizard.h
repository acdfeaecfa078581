#pragma once
// Tools ▸ Train and calibrate a model…: data → method and hyper-parameters → (Scale_L2O) step-size
// search → training → calibration → summary and publish. Every long step runs in a worker through the
// same library calls as `trustct-cli train`, `optimize-steps` and `calibrate`. Closing while work runs
// asks first, then cancels at the next batch boundary (after a checkpoint) and closes once it stopped.
#include <QWizard>
#include <functional>

class QAction;

#include "ui/wizard/WizardSession.h"

namespace trustct::ui {

class CalibrationPage;
class DataPage;
class MainWindow;
class MethodPage;
class StepSearchPage;
class SummaryPage;
class TrainingPage;
class WizardJob;

class TrainingWizard : public QWizard {
  Q_OBJECT
 public:
  enum PageId { Data, Method, StepSearch, Training, Calibration, Summary };

  // modelsRoot: where Finish publishes; trainingRoot: work folders (checkpoints) of trainings in progress.
  TrainingWizard(ReconstructionEnvironment env, const QString& modelsRoot, const QString& trainingRoot,
                 QWidget* parent = nullptr);

  DataPage* dataPage() const { return data_; }
  MethodPage* methodPage() const { return method_; }
  StepSearchPage* stepSearchPage() const { return search_; }
  TrainingPage* trainingPage() const { return training_; }
  CalibrationPage* calibrationPage() const { return calibration_; }
  SummaryPage* summaryPage() const { return summary_; }
  const WizardSession& session() const { return session_; }
  bool isWorking() const;
  // Asked before stopping running work on close; a message box by default (tests answer it).
  void setStopQuestion(std::function<bool()> ask) { askToStop_ = std::move(ask); }

 Q_SIGNALS:
  void modelPublished(const QString& methodId, const QString& directory);

 protected:
  void done(int result) override;  // Cancel, Esc, the close button and Finish all come through here

 private:
  QList<WizardJob*> jobs() const;
  // True when nothing runs (close now); otherwise asks, cancels, and closes with `result` once stopped.
  bool stopWorkBeforeClosing(int result);

  WizardSession session_;
  DataPage* data_;
  MethodPage* method_;
  StepSearchPage* search_;
  TrainingPage* training_;
  CalibrationPage* calibration_;
  SummaryPage* summary_;
  std::function<bool()> askToStop_;
  bool closing_ = false;
};

// Adds Tools ▸ "Train and calibrate a model…" to `window`: opens the wizard (user folders from
// QStandardPaths) and makes a published model appear in the window. Returns the action.
QAction* installTrainingWizard(MainWindow& window);

}  // namespace trustct::ui
