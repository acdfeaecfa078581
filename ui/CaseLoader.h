#pragma once
// Loads a case (DICOM decoding, resampling, sinogram simulation) as a JobBridge job so the window stays
// responsive. Only the latest request reports back: opening another file while one loads supersedes it.
// Signals are emitted in the GUI thread.
#include <QObject>
#include <QString>
#include <map>
#include <memory>

#include "ui/CaseSource.h"
#include "ui/session/JobBridge.h"

namespace trustct::ui {

class CaseLoader : public QObject {
  Q_OBJECT
 public:
  explicit CaseLoader(ReconstructionEnvironment env, QObject* parent = nullptr);
  ~CaseLoader() override = default;  // the bridge waits for a load in progress (its result is dropped)

  void load(std::shared_ptr<const CaseSource> source);
  bool isLoading() const { return bridge_.isBusy(); }
  const CaseData& lastCase() const { return loaded_; }  // the case of the last `loaded` signal

 Q_SIGNALS:
  void loaded(const QString& origin);
  void failed(const QString& origin, const QString& problem);  // problem names the file (InputError)

 private:
  ReconstructionEnvironment env_;
  JobBridge bridge_;
  QString origin_;  // of the current request
  CaseData loaded_;
};

}  // namespace trustct::ui
