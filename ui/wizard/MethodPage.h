#pragma once
// Page 2: the model's name, the method and its hyper-parameters with the papers' defaults, each
// explained in a sentence; for Scale_L2O whether to search its step sizes first.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace trustct::ui {

class MethodPage : public QWizardPage {
  Q_OBJECT
 public:
  MethodPage(WizardSession& session, int searchPageId, int trainingPageId, QWidget* parent = nullptr);
  bool validatePage() override;
  int nextId() const override;

 private:
  ModelKind kind() const;
  void updateMethod();
  // A row with its one-sentence explanation below the field.
  void addRow(QFormLayout* form, const QString& label, QWidget* field, const QString& explanation);

  WizardSession& session_;
  int searchPageId_, trainingPageId_;
  QLineEdit* name_;
  QComboBox* method_;
  QLabel *methodInfo_, *status_;
  QSpinBox *epochs_, *batch_, *trainIterations_, *channels_, *seed_, *trials_, *initial_, *trialSteps_;
  QDoubleSpinBox *lr_, *lrFinal_;
  QCheckBox* search_;
};

}  // namespace trustct::ui
