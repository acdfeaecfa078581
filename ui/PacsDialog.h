#pragma once
// File ▸ Send to PACS…: the DICOM node (host, port, calling and called AE titles, timeout), remembered
// with QSettings, and a "Test connection" button that runs a C-ECHO in the worker and shows the peer's
// answer. Accepting the dialog asks the window to export and send.
#include <QDialog>

#include "certs/dicom/DicomNetwork.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace trustct::ui {

class DicomTransfer;

class PacsDialog : public QDialog {
  Q_OBJECT
 public:
  PacsDialog(DicomTransfer& transfer, QWidget* parent = nullptr);
  DicomNode node() const;
  void setNode(const DicomNode& node);
  void testConnection();
  QString echoStatus() const;  // the last C-ECHO's outcome as shown

 private:
  void saveNode() const;
  void onEchoFinished(bool ok, const QString& message);

  DicomTransfer& transfer_;
  QLineEdit *host_, *calling_, *called_;
  QSpinBox *port_, *timeout_;
  QPushButton *testButton_, *sendButton_;
  QLabel* status_;
};

}  // namespace trustct::ui
