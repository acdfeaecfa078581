#include "ui/DicomTransfer.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QTemporaryDir>
#include <cstdio>

#include "certs/dicom/ExportSession.h"
#include "recon/core/Errors.h"

namespace trustct::ui {

DicomTransfer::DicomTransfer(QObject* parent) : QObject(parent) {
  pool_.setMaxThreadCount(1);
}

DicomTransfer::~DicomTransfer() {
  cancel();
  pool_.waitForDone();
}

void DicomTransfer::post(std::function<void()> f) { QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection); }

void DicomTransfer::exportCase(const CaseData& c, std::vector<CertifiedResult> results, const QString& outDir,
                               std::optional<DicomNode> sendTo) {
  busy_ = true;
  cancelled_ = false;
  pool_.start([this, c, items = std::move(results), outDir, sendTo] {
    const int total = int(items.size()) + (sendTo ? 1 : 0);
    QStringList files;
    try {
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
      ExportSession session(c.grid, c.description, ExportOptions{});
      QStringList lines{QString::fromStdString(session.study().note)};
      for (size_t i = 0; i < items.size(); ++i) {
        if (cancelled_) throw CancelledError();
        const CertifiedResult& item = items[i];
        post([this, i, total, id = item.algorithm.id] {
          Q_EMIT progress(int(i), total, tr("Writing %1…").arg(QString::fromStdString(id)));
        });
        const ExportedMethod out = session.write(item, dir);
        QStringList written{QString::fromStdString(out.ct.path), QString::fromStdString(out.sr.path)};
        if (out.keyObject) written << QString::fromStdString(out.keyObject->path);
        files << written;
        QStringList names;
        for (const QString& f : written) names << QFileInfo(f).fileName();
        lines << tr("%1 (overall %2): %3")
                     .arg(QString::fromStdString(item.algorithm.name), QString::fromStdString(labelName(item.report->overall)),
                          names.join(", "));
      }
      if (sendTo) {
        if (cancelled_) throw CancelledError();
        const QString peer = QString::fromStdString(sendTo->describe());
        post([this, total, peer, n = files.size()] { Q_EMIT progress(total - 1, total, tr("Sending %1 files to %2…").arg(n).arg(peer)); });
        std::vector<std::string> paths;
        for (const QString& f : files) paths.push_back(f.toStdString());
        lines = QStringList{tr("Sent to %1:").arg(peer)};
        QStringList sent;
        for (const StoreResult& r : store(*sendTo, paths)) {
          lines << tr("%1  status 0x%2").arg(QFileInfo(QString::fromStdString(r.file)).fileName())
                       .arg(r.status, 4, 16, QChar('0'));
          sent << QFileInfo(QString::fromStdString(r.file)).fileName();
        }
        files = sent;  // the temporary copies are gone when this returns
      }
      post([this, total, lines, files] {
        busy_ = false;
        Q_EMIT progress(total, total, {});
        Q_EMIT finished(true, lines.join('\n'), files);
      });
    } catch (const CancelledError&) {
      post([this, files] {
        busy_ = false;
        Q_EMIT finished(false, tr("Cancelled; already written: %1").arg(files.isEmpty() ? tr("nothing") : files.join(", ")), files);
      });
    } catch (const std::exception& e) {
      const QString problem = QString::fromStdString(e.what());
      post([this, problem, files] {
        busy_ = false;
        Q_EMIT finished(false, problem, files);
      });
    }
  });
}

void DicomTransfer::echo(const DicomNode& node) {
  busy_ = true;
  pool_.start([this, node] {
    bool ok = true;
    QString message;
    try {
      node.validate();
      trustct::echo(node);
      message = tr("C-ECHO %1: success").arg(QString::fromStdString(node.describe()));
    } catch (const std::exception& e) {
      ok = false;
      message = QString::fromStdString(e.what());
    }
    post([this, ok, message] {
      busy_ = false;
      Q_EMIT echoFinished(ok, message);
    });
  });
}

}  // namespace trustct::ui
