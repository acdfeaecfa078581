#pragma once
// Certified DICOM export and PACS transfer of the window's results, in a worker thread: the results go
// through the ExportSession `trustct-cli export` uses (per result the CT image and certificate SR, and a KOS
// when it fails, named by the AlgorithmInfo captured when the method ran), C-STORE of those files and
// C-ECHO through certs/DicomNetwork, as JobBridge jobs (one at a time); progress and the outcome (file
// names, the peer's statuses, or the error) arrive as signals in the GUI thread.
#include <QObject>
#include <QString>
#include <QStringList>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "certs/CertifiedReconstruction.h"
#include "certs/dicom/DicomNetwork.h"
#include "ui/CaseSource.h"
#include "ui/session/JobBridge.h"

namespace trustct::ui {

class DicomTransfer : public QObject {
  Q_OBJECT
 public:
  explicit DicomTransfer(QObject* parent = nullptr);
  ~DicomTransfer() override = default;  // the bridge cancels and waits

  // Writes the certified DICOM of every result (each must have a report) into outDir; with `sendTo`, into a
  // temporary folder that is sent to the node in one association and then removed. `anonymize`: the
  // research export of `trustct-cli export --anonymize` (new identifiers, no source file named).
  void exportCase(const CaseData& c, std::vector<CertifiedResult> results, const QString& outDir,
                  std::optional<DicomNode> sendTo = std::nullopt, bool anonymize = false);
  void echo(const DicomNode& node);
  void cancel() { bridge_.cancelAll(); }  // takes effect before the next method
  bool isBusy() const { return bridge_.isBusy(); }
  bool waitForDone(int msecs = -1) { return bridge_.waitForDone(msecs); }

 Q_SIGNALS:
  void progress(int done, int total, const QString& text);
  // ok: summary lists what was written / sent; otherwise it is the problem. files: written or sent.
  void finished(bool ok, const QString& summary, const QStringList& files);
  void echoFinished(bool ok, const QString& message);

 private:
  // What a job's end reports: an export's files written so far (filled by the work), or an echo.
  struct Task {
    bool echo = false;
    std::shared_ptr<QStringList> files = std::make_shared<QStringList>();
  };
  void onStateChanged(quint64 job, JobBridge::State state, const QString& message);

  JobBridge bridge_;
  std::map<quint64, Task> tasks_;
};

}  // namespace trustct::ui
