#include "ui/wizard/SummaryPage.h"

#include <QFile>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "recon/learned/models/UserModels.h"

namespace trustct::ui {

SummaryPage::SummaryPage(WizardSession& session, QWidget* parent) : QWizardPage(parent), session_(session) {
  setTitle(tr("6. Summary"));
  setSubTitle(tr("Finish saves the model with its calibration to your model folder; the main window then offers it "
                 "beside the shipped models and certifies it with this calibration."));
  card_ = new QTextBrowser(this);
  card_->setObjectName("modelCard");
  target_ = new QLabel(this);
  target_->setWordWrap(true);
  target_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(card_, 1);
  layout->addWidget(target_);
  setButtonText(QWizard::FinishButton, tr("Save model"));
}

void SummaryPage::initializePage() {
  QFile card(session_.workDir() + "/MODEL_CARD.md");
  QString text = card.open(QIODevice::ReadOnly) ? QString::fromUtf8(card.readAll())
                                                : tr("(no model card: %1)").arg(card.fileName());
  if (session_.calibration) {
    text += tr("\n## Certificate calibration\n\n- made by: `%1`\n")
                .arg(QString::fromStdString(session_.calibration->provenance));
    for (const auto& [name, c] : session_.calibration->properties)
      text += tr("- %1: %2 values, p_pass %3, p_fail %4, warning from %5, fail from %6\n")
                  .arg(QString::fromStdString(name))
                  .arg(c.values.size())
                  .arg(c.pPass)
                  .arg(c.pFail)
                  .arg(c.warningThreshold(), 0, 'g', 4)
                  .arg(c.failThreshold(), 0, 'g', 4);
  }
  card_->setMarkdown(text);
  target_->setText(tr("Saves as method <b>user:%1</b> into <code>%2/%1</code>").arg(session_.name, session_.modelsRoot));
}

QString SummaryPage::cardText() const { return card_->toPlainText(); }

bool SummaryPage::validatePage() {
  try {
    published_ = QString::fromStdString(publishModel(session_.workDir().toStdString(),
                                                     session_.calibrationFile().toStdString(),
                                                     session_.modelsRoot.toStdString(), session_.name.toStdString()));
  } catch (const std::exception& e) {
    target_->setText(tr("Cannot save: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  Q_EMIT published(QString::fromStdString(userMethodId(session_.name.toStdString())), published_);
  return true;
}

}  // namespace trustct::ui
