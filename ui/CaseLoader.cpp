#include "ui/CaseLoader.h"

namespace trustct::ui {

CaseLoader::CaseLoader(ReconstructionEnvironment env, QObject* parent) : QObject(parent), env_(std::move(env)) {
  connect(&bridge_, &JobBridge::stateChanged, this, [this](quint64, JobBridge::State state, const QString& problem) {
    if (state == JobBridge::State::Finished) Q_EMIT loaded(origin_);
    if (state == JobBridge::State::Failed) Q_EMIT failed(origin_, problem);
  });
}

void CaseLoader::load(std::shared_ptr<const CaseSource> source) {
  bridge_.discard();  // superseded: a load in progress runs out unseen
  origin_ = QString::fromStdString(source->origin());
  bridge_.submit(tr("load"), [this, source = std::move(source)](JobContext&) {
    auto data = std::make_shared<CaseData>(source->load(env_));
    return [this, data] { loaded_ = std::move(*data); };
  });
}

}  // namespace trustct::ui
