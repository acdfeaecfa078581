#include "ui/CaseLoader.h"

#include <QMetaObject>

namespace trustct::ui {

CaseLoader::CaseLoader(ReconstructionEnvironment env, QObject* parent) : QObject(parent), env_(std::move(env)) {
  pool_.setMaxThreadCount(1);
}

CaseLoader::~CaseLoader() {
  ++generation_;
  pool_.waitForDone();
}

void CaseLoader::load(std::shared_ptr<const CaseSource> source) {
  const quint64 generation = ++generation_;
  ++pending_;
  pool_.start([this, source = std::move(source), generation] {
    auto data = std::make_shared<CaseData>();
    QString problem;
    try {
      *data = source->load(env_);
    } catch (const std::exception& e) {
      problem = QString::fromStdString(e.what());
      if (problem.isEmpty()) problem = tr("unreadable input");
    }
    const QString origin = QString::fromStdString(source->origin());
    QMetaObject::invokeMethod(this, [this, generation, data, origin, problem] {
      --pending_;
      if (generation != generation_) return;  // superseded by a newer request
      if (!problem.isEmpty()) {
        Q_EMIT failed(origin, problem);
        return;
      }
      loaded_ = std::move(*data);
      Q_EMIT loaded(origin);
    }, Qt::QueuedConnection);
  });
}

}  // namespace trustct::ui
