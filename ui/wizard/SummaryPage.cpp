#include "ui/wizard/SummaryPage.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <fstream>

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
  baseline_ = new QLabel(this);
  baseline_->setObjectName("baselineWarning");
  baseline_->setWordWrap(true);
  baseline_->setStyleSheet("color: #b00020");
  allowBelow_ = new QCheckBox(tr("Save it anyway, for research only (it reconstructs worse than FBP)"), this);
  allowBelow_->setObjectName("allowBelowFbp");
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(card_, 1);
  layout->addWidget(baseline_);
  layout->addWidget(allowBelow_);
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
  std::ifstream in(session_.workDir().toStdString() + "/model.json");
  const nlohmann::json model = nlohmann::json::parse(in, nullptr, false);
  const std::string problem = baselineProblem(model.is_object() ? model : nlohmann::json::object());
  baseline_->setText(tr("Not ready to use: %1. Train longer or on more data.").arg(QString::fromStdString(problem)));
  baseline_->setVisible(!problem.empty());
  allowBelow_->setChecked(false);
  allowBelow_->setVisible(!problem.empty());
  target_->setText(tr("Saves as method <b>user:%1</b> into <code>%2/%1</code>").arg(session_.name, session_.modelsRoot));
}

QString SummaryPage::cardText() const { return card_->toPlainText(); }

bool SummaryPage::validatePage() {
  try {
    published_ = QString::fromStdString(publishModel(session_.workDir().toStdString(),
                                                     session_.calibrationFile().toStdString(),
                                                     session_.modelsRoot.toStdString(), session_.name.toStdString(),
                                                     PublishOptions{allowBelow_->isChecked()}));
  } catch (const std::exception& e) {
    target_->setText(tr("Cannot save: %1").arg(QString::fromStdString(e.what())));
    return false;
  }
  Q_EMIT published(QString::fromStdString(userMethodId(session_.name.toStdString())), published_);
  return true;
}

}  // namespace trustct::ui
