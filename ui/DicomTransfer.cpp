#include "ui/DicomTransfer.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include "certs/dicom/ExportSession.h"
#include "recon/core/Errors.h"

namespace trustct::ui {

DicomTransfer::DicomTransfer(QObject* parent) : QObject(parent) {
  connect(&bridge_, &JobBridge::stateChanged, this, &DicomTransfer::onStateChanged);
}

void DicomTransfer::onStateChanged(quint64 job, JobBridge::State state, const QString& message) {
  const auto it = tasks_.find(job);
  if (it == tasks_.end() || state == JobBridge::State::Queued || state == JobBridge::State::Running) return;
  const Task task = it->second;
  tasks_.erase(it);
  if (state == JobBridge::State::Finished) return;  // its completion reported it
  if (task.echo) {
    Q_EMIT echoFinished(false, state == JobBridge::State::Cancelled ? tr("cancelled") : message);
  } else if (state == JobBridge::State::Cancelled) {
    const QStringList& files = *task.files;
    Q_EMIT finished(false, tr("Cancelled; already written: %1").arg(files.isEmpty() ? tr("nothing") : files.join(", ")), files);
  } else {
    Q_EMIT finished(false, message, *task.files);
  }
}

void DicomTransfer::exportCase(const CaseData& c, std::vector<CertifiedResult> results, const QString& outDir,
                               std::optional<DicomNode> sendTo, bool anonymize) {
  Task task;
  const quint64 job = bridge_.submit(tr("export"), [this, c, items = std::move(results), outDir, sendTo, anonymize,
                                                    files = task.files](JobContext& ctx) -> JobBridge::Completion {
    const int total = int(items.size()) + (sendTo ? 1 : 0);
    if (items.empty()) throw std::runtime_error("no certified reconstruction to export");
    std::unique_ptr<QTemporaryDir> temporary;
    std::string dir = outDir.toStdString();
    if (sendTo) {
      temporary = std::make_unique<QTemporaryDir>();
      if (!temporary->isValid()) throw std::runtime_error("cannot create a temporary folder for the transfer");
      dir = temporary->path().toStdString();
    } else if (!QFileInfo(outDir).isDir()) {
      throw InputError(dir, "no such folder");
    }
    ExportOptions options;
    options.anonymize = anonymize;
    ExportSession session(c.grid, c.description, options);
    QStringList lines{QString::fromStdString(session.study().note)};
    for (size_t i = 0; i < items.size(); ++i) {
      ctx.throwIfCancelled();
      const CertifiedResult& item = items[i];
      bridge_.post([this, i, total, id = item.algorithm.id] {
        Q_EMIT progress(int(i), total, tr("Writing %1…").arg(QString::fromStdString(id)));
      });
      const ExportedMethod out = session.write(item, dir);
      QStringList written{QString::fromStdString(out.ct.path), QString::fromStdString(out.sr.path)};
      if (out.keyObject) written << QString::fromStdString(out.keyObject->path);
      *files << written;
      QStringList names;
      for (const QString& f : written) names << QFileInfo(f).fileName();
      lines << tr("%1 (overall %2): %3")
                   .arg(QString::fromStdString(item.algorithm.name), QString::fromStdString(labelName(item.report->overall)),
                        names.join(", "));
    }
    ctx.throwIfCancelled();
    session.commit();  // every method's files appear together, or none (cancelled or failed before)
    if (sendTo) {
      ctx.throwIfCancelled();
      const QString peer = QString::fromStdString(sendTo->describe());
      bridge_.post([this, total, peer, n = files->size()] { Q_EMIT progress(total - 1, total, tr("Sending %1 files to %2…").arg(n).arg(peer)); });
      std::vector<std::string> paths;
      for (const QString& f : *files) paths.push_back(f.toStdString());
      lines = QStringList{tr("Sent to %1:").arg(peer)};
      QStringList sent;
      for (const StoreResult& r : store(*sendTo, paths)) {
        lines << tr("%1  status 0x%2").arg(QFileInfo(QString::fromStdString(r.file)).fileName())
                     .arg(r.status, 4, 16, QChar('0'));
        sent << QFileInfo(QString::fromStdString(r.file)).fileName();
      }
      *files = sent;  // the temporary copies are gone when this returns
    }
    return [this, total, lines, files] {
      Q_EMIT progress(total, total, {});
      Q_EMIT finished(true, lines.join('\n'), *files);
    };
  });
  tasks_[job] = task;
}

void DicomTransfer::echo(const DicomNode& node) {
  Task task;
  task.echo = true;
  tasks_[bridge_.submit(tr("echo"), [this, node](JobContext&) -> JobBridge::Completion {
    node.validate();
    trustct::echo(node);
    const QString message = tr("C-ECHO %1: success").arg(QString::fromStdString(node.describe()));
    return [this, message] { Q_EMIT echoFinished(true, message); };
  })] = task;
}

}  // namespace trustct::ui
