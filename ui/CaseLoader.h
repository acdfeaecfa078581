#pragma once
// Loads a case (DICOM decoding, resampling, sinogram simulation) in a worker thread so the window stays
// responsive. Only the latest request reports back: opening another file while one loads supersedes it.
// Signals are emitted in the GUI thread.
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>

#include "ui/CaseSource.h"

namespace trustct::ui {

class CaseLoader : public QObject {
  Q_OBJECT
 public:
  explicit CaseLoader(ReconstructionEnvironment env, QObject* parent = nullptr);
  ~CaseLoader() override;  // waits for a load in progress (its result is dropped)

  void load(std::shared_ptr<const CaseSource> source);
  bool isLoading() const { return pending_ > 0; }
  const CaseData& lastCase() const { return loaded_; }  // the case of the last `loaded` signal

 Q_SIGNALS:
  void loaded(const QString& origin);
  void failed(const QString& origin, const QString& problem);  // problem names the file (InputError)

 private:
  ReconstructionEnvironment env_;
  QThreadPool pool_;
  quint64 generation_ = 0;  // GUI thread only
  int pending_ = 0;
  CaseData loaded_;
};

}  // namespace trustct::ui
