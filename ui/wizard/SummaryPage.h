#pragma once
// Page 6: the model card as it will be saved, the calibration in one line per property, and where
// Finish publishes the model (the user's model folder), after which the main window offers it.
#include <QWizardPage>

#include "ui/wizard/WizardSession.h"

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
  QString published_;
};

}  // namespace trustct::ui
