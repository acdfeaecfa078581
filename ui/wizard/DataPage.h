#pragma once
// Page 1: where the training data come from (random Ellipses, a LoDoPaB-CT folder or a DICOM series),
// how many samples, seeds and noise, with a preview of a few samples and their sinograms.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

class QComboBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace trustct::ui {

class WizardJob;

class DataPage : public QWizardPage {
  Q_OBJECT
 public:
  DataPage(WizardSession& session, QWidget* parent = nullptr);
  bool isComplete() const override;
  bool validatePage() override;

  void showPreview();  // loads a few samples in the worker
  int previewCount() const { return previewShown_; }
  WizardJob* job() const { return job_; }

 Q_SIGNALS:
  void previewShown();

 private:
  TrainingDataSpec trainSpec() const;
  TrainingDataSpec validationSpec() const;
  void updateSource();

  WizardSession& session_;
  WizardJob* job_;
  QComboBox* source_;
  QLineEdit* path_;
  QPushButton* browse_;
  QSpinBox *trainCount_, *valCount_, *trainSeed_, *valSeed_;
  QDoubleSpinBox* noise_;
  QLabel* status_;
  QGridLayout* previewGrid_;
  int previewShown_ = 0;
};

}  // namespace trustct::ui
