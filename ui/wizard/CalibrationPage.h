#pragma once
// Page 5: certificate calibration with the new model on calibration data (never the test series): per
// property the distribution with its thresholds, adjustable; every change is saved (atomically).
#include <QWizardPage>
#include <map>
#include <string>

#include "ui/wizard/WizardSession.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace trustct::ui {

class CalibrationPropertyView;
class WizardJob;

class CalibrationPage : public QWizardPage {
  Q_OBJECT
 public:
  CalibrationPage(WizardSession& session, QWidget* parent = nullptr);
  void initializePage() override;
  bool isComplete() const override;

  void startCalibration();
  WizardJob* job() const { return job_; }
  QList<CalibrationPropertyView*> propertyViews() const;

 private:
  void showCalibration();
  void save();

  WizardSession& session_;
  WizardJob* job_;
  QSpinBox *count_, *seed_;
  QPushButton* start_;
  QProgressBar* progress_;
  QLabel* status_;
  QTabWidget* tabs_;
  std::map<std::string, QString> titles_;  // property → badge title, from the model's suite
};

}  // namespace trustct::ui
