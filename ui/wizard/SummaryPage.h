#pragma once
// Page 6: the model card as it will be saved, the calibration in one line per property, and where
// Finish publishes the model (the user's model folder), after which the main window offers it. A model that
// does not beat FBP on its validation images is refused unless the research override is ticked.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

class QCheckBox;
class QLabel;
class QTextBrowser;

namespace trustct::ui {

class SummaryPage : public QWizardPage {
  Q_OBJECT
 public:
  SummaryPage(WizardSession& session, QWidget* parent = nullptr);
  void initializePage() override;
  bool validatePage() override;  // publishes
  QString cardText() const;
  QString publishedDirectory() const { return published_; }

 Q_SIGNALS:
  void published(const QString& methodId, const QString& directory);

 private:
  WizardSession& session_;
  QTextBrowser* card_;
  QLabel* target_;
  QLabel* baseline_;       // why the model is below FBP (hidden when it is not)
  QCheckBox* allowBelow_;  // the research override
  QString published_;
};

}  // namespace trustct::ui
