#include "ui/PacsDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include "ui/DicomTransfer.h"

namespace trustct::ui {

PacsDialog::PacsDialog(DicomTransfer& transfer, QWidget* parent) : QDialog(parent), transfer_(transfer) {
  setObjectName("pacsDialog");
  setWindowTitle(tr("Send to PACS"));
  host_ = new QLineEdit(this);
  host_->setPlaceholderText(tr("pacs.example.org"));
  port_ = new QSpinBox(this);
  port_->setRange(1, 65535);
  calling_ = new QLineEdit(this);
  called_ = new QLineEdit(this);
  for (QLineEdit* ae : {calling_, called_}) ae->setMaxLength(16);
  timeout_ = new QSpinBox(this);
  timeout_->setRange(1, 600);
  timeout_->setSuffix(tr(" s"));
  auto* form = new QFormLayout;
  form->addRow(tr("&Host"), host_);
  form->addRow(tr("&Port"), port_);
  form->addRow(tr("&Calling AE title (ours)"), calling_);
  form->addRow(tr("C&alled AE title (the PACS)"), called_);
  form->addRow(tr("&Timeout"), timeout_);

  status_ = new QLabel(tr("Sends the certified DICOM (CT image and certificate SR) of every finished method."), this);
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
  testButton_ = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
  sendButton_ = buttons->addButton(tr("&Send"), QDialogButtonBox::AcceptRole);
  sendButton_->setDefault(true);
  connect(testButton_, &QPushButton::clicked, this, &PacsDialog::testConnection);
  connect(buttons, &QDialogButtonBox::accepted, this, [this] {
    try {
      node().validate();
    } catch (const std::exception& e) {
      status_->setText(QString::fromStdString(e.what()));
      return;
    }
    saveNode();
    accept();
  });
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(&transfer_, &DicomTransfer::echoFinished, this, &PacsDialog::onEchoFinished);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(status_);
  layout->addWidget(buttons);

  QSettings s;
  DicomNode defaults;
  host_->setText(s.value("pacs/host", "localhost").toString());
  port_->setValue(s.value("pacs/port", defaults.port).toInt());
  calling_->setText(s.value("pacs/callingAe", QString::fromStdString(defaults.callingAeTitle)).toString());
  called_->setText(s.value("pacs/calledAe", QString::fromStdString(defaults.calledAeTitle)).toString());
  timeout_->setValue(s.value("pacs/timeout", 10).toInt());
}

DicomNode PacsDialog::node() const {
  DicomNode n;
  n.host = host_->text().trimmed().toStdString();
  n.port = port_->value();
  n.callingAeTitle = calling_->text().trimmed().toStdString();
  n.calledAeTitle = called_->text().trimmed().toStdString();
  n.timeoutSeconds = timeout_->value();
  return n;
}

void PacsDialog::setNode(const DicomNode& n) {
  host_->setText(QString::fromStdString(n.host));
  port_->setValue(n.port);
  calling_->setText(QString::fromStdString(n.callingAeTitle));
  called_->setText(QString::fromStdString(n.calledAeTitle));
  timeout_->setValue(n.timeoutSeconds);
}

void PacsDialog::saveNode() const {
  QSettings s;
  s.setValue("pacs/host", host_->text().trimmed());
  s.setValue("pacs/port", port_->value());
  s.setValue("pacs/callingAe", calling_->text().trimmed());
  s.setValue("pacs/calledAe", called_->text().trimmed());
  s.setValue("pacs/timeout", timeout_->value());
}

void PacsDialog::testConnection() {
  if (transfer_.isBusy()) {
    status_->setText(tr("Busy with another transfer; try again when it has finished."));
    return;
  }
  testButton_->setEnabled(false);
  sendButton_->setEnabled(false);  // one transfer at a time: Send waits for the echo's answer
  status_->setText(tr("C-ECHO to %1…").arg(QString::fromStdString(node().describe())));
  transfer_.echo(node());
}

void PacsDialog::onEchoFinished(bool ok, const QString& message) {
  testButton_->setEnabled(true);
  sendButton_->setEnabled(true);
  status_->setText((ok ? QString("✔ ") : QString("✖ ")) + message);
  if (ok) saveNode();
}

QString PacsDialog::echoStatus() const { return status_->text(); }

}  // namespace trustct::ui
