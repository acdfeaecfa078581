#pragma once
// Page 3 (Scale_L2O): the Bayesian optimisation of the step sizes, live: one table row per trial and a
// chart of every trial's validation PSNR with the best so far. The best steps become the frozen steps.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace trustct::ui {

class WizardJob;

class StepSearchPage : public QWizardPage {
  Q_OBJECT
 public:
  StepSearchPage(WizardSession& session, QWidget* parent = nullptr);
  void initializePage() override;
  bool isComplete() const override;
  void cleanupPage() override;

  void startSearch();
  WizardJob* job() const { return job_; }
  QTableWidget* table() const { return table_; }
  QLineSeries* bestSeries() const { return best_; }
  QScatterSeries* trialSeries() const { return trialPoints_; }

 private:
  void addTrial(const StepSearchTrial& t);

  WizardSession& session_;
  WizardJob* job_;
  QTableWidget* table_;
  QScatterSeries* trialPoints_;
  QLineSeries* best_;
  QValueAxis *x_, *y_;
  QProgressBar* progress_;
  QLabel* status_;
  QPushButton *start_, *cancel_;
  bool done_ = false;
};

}  // namespace trustct::ui
