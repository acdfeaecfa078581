#pragma once
// Page 4: training with live loss and validation-PSNR charts, progress and ETA; pause holds it at the
// next batch, cancel stops it there after a checkpoint, and resume continues from that checkpoint.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

class QLabel;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QValueAxis;

namespace trustct::ui {

class WizardJob;

class TrainingPage : public QWizardPage {
  Q_OBJECT
 public:
  TrainingPage(WizardSession& session, QWidget* parent = nullptr);
  void initializePage() override;
  bool isComplete() const override;

  // resume: continue from the work folder's checkpoint (its earlier steps stay on the charts).
  void startTraining(bool resume);
  void togglePause();
  void cancelTraining();
  bool hasCheckpoint() const;
  WizardJob* job() const { return job_; }
  QLineSeries* lossSeries() const { return loss_; }
  QLineSeries* psnrSeries() const { return psnr_; }

 private:
  void addStep(int64_t step, double loss);
  void addEpoch(int epoch, double psnr);
  void updateButtons();

  WizardSession& session_;
  WizardJob* job_;
  QLineSeries *loss_, *psnr_;
  QValueAxis *lossX_, *lossY_, *psnrX_, *psnrY_;
  QProgressBar* progress_;
  QLabel *eta_, *status_, *plan_;
  QPushButton *start_, *resume_, *pause_, *cancel_;
  bool done_ = false;
};

}  // namespace trustct::ui
