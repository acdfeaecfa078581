#include "ui/session/ComparisonSession.h"

#include <QFileInfo>
#include <QSettings>

#include "recon/learned/models/UserModels.h"
#include "recon/methods/MethodRegistry.h"
#include "ui/CaseLoader.h"
#include "ui/DicomTransfer.h"
#include "ui/ReconstructionRunner.h"
#include "viewer/WindowLevelPresets.h"

namespace trustct::ui {

namespace {
constexpr int kMaxRecent = 8;
const char* kRecentKey = "files/recent";
const char* kLastFolderKey = "files/lastFolder";
const char* kStalePresetKey = "view/preset";  // before session 16 the preset outlived its case
const char* kMouseKey = "view/mouseBindings";
QString linkKey(int link) { return QString("links/") + viewer::linkName(static_cast<viewer::Link>(link)); }
}  // namespace

ComparisonSession::ComparisonSession(ReconstructionEnvironment env, QObject* parent)
    : QObject(parent),
      env_(std::move(env)),
      runner_(new ReconstructionRunner(env_, this)),
      loader_(new CaseLoader(env_, this)),
      transfer_(new DicomTransfer(this)),
      preset_(viewer::WindowLevelPresets::kFileId) {
  QSettings().remove(kStalePresetKey);
  loadCertifier();
  connect(loader_, &CaseLoader::loaded, this, [this] {
    runner_->discard();  // the old case's results must not arrive for the new one
    case_ = loader_->lastCase();
    preset_ = viewer::WindowLevelPresets::kFileId;  // a new case starts in its own window
    const QString origin = QString::fromStdString(case_->origin);
    if (!origin.startsWith("demo:")) {
      addRecent(origin);
      setLastFolder(QFileInfo(origin).absolutePath());
    }
    Q_EMIT caseLoaded();
  });
  connect(loader_, &CaseLoader::failed, this, [this](const QString& origin, const QString& problem) {
    // The previous case (and its results) stays as it was.
    Q_EMIT error(tr("Cannot open %1").arg(origin), problem);
    Q_EMIT caseFailed(origin, problem);
  });
}

ComparisonSession::~ComparisonSession() { runner_->discard(); }

void ComparisonSession::loadCertifier() {
  try {
    certifier_ = std::make_shared<const Certifier>(Certifier::loadDefault(env_));
    certifierProblem_.clear();
  } catch (const std::exception& e) {
    certifier_.reset();
    certifierProblem_ = QString::fromStdString(e.what());
  }
  runner_->setCertifier(certifier_);
  // Shipped methods with a calibration of their own (resources/calibration/<id>.json) are certified with it.
  for (const std::string& id : MethodRegistry::instance().ids()) {
    const std::string file = Certifier::calibrationPathFor(env_, id);
    if (file == Certifier::defaultCalibrationPath(env_)) continue;
    try {
      runner_->setMethodCertifier(id, std::make_shared<const Certifier>(Certifier::load(file, env_)));
    } catch (const std::exception& e) {
      runner_->setMethodCertifier(id, nullptr);
      methodCertifierProblems_.push_back(tr("%1: no certificates: %2").arg(QString::fromStdString(id), e.what()));
    }
  }
}

QString ComparisonSession::userModelsFolder() { return QString::fromStdString(defaultUserModelsRoot()); }

void ComparisonSession::loadUserModels() {
  for (const QString& problem : methodCertifierProblems_) Q_EMIT message(problem, 10000);
  methodCertifierProblems_.clear();
  const std::string root = userModelsFolder().toStdString();
  registerUserModels(root);
  // Each user model is certified with the calibration made with it (bound to its weights' fingerprint).
  for (const std::string& name : userModelNames(root)) {
    const std::string id = userMethodId(name);
    try {
      const std::string file = userCalibrationPath(root + "/" + name);
      runner_->setMethodCertifier(id, std::make_shared<const Certifier>(Certifier::load(file, env_)));
    } catch (const std::exception& e) {
      runner_->setMethodCertifier(id, nullptr);
      Q_EMIT message(tr("%1: no certificates: %2").arg(QString::fromStdString(id), e.what()), 10000);
    }
  }
}

bool ComparisonSession::openCase(const QString& origin) {
  std::shared_ptr<const CaseSource> source;
  try {
    source = CaseOpeners::instance().open(origin.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT error(tr("Cannot open %1").arg(origin), QString::fromStdString(e.what()));
    Q_EMIT caseFailed(origin, QString::fromStdString(e.what()));
    return false;
  }
  loader_->load(std::move(source));
  return true;
}

bool ComparisonSession::isLoading() const { return loader_->isLoading(); }

void ComparisonSession::runAll() {
  if (!case_) return;
  std::vector<std::string> ids;
  for (const MethodInfo& i : MethodRegistry::instance().methods(env_))
    if (i.available) ids.push_back(i.id);
  runner_->start(*case_, ids);
}

void ComparisonSession::cancelRun() { runner_->cancel(); }

bool ComparisonSession::isRunning() const { return runner_->isRunning(); }

std::vector<CertifiedResult> ComparisonSession::certifiedResults() const {
  std::vector<CertifiedResult> items;
  for (const MethodInfo& i : MethodRegistry::instance().methods(env_)) {
    const auto it = runner_->results().find(i.id);
    if (it != runner_->results().end() && it->second.report) items.push_back(it->second);
  }
  return items;
}

int ComparisonSession::startTransfer(const QString& folder, std::optional<DicomNode> node, bool anonymize) {
  if (!case_) return 0;
  if (transfer_->isBusy()) {
    Q_EMIT error(tr("DICOM transfer running"), tr("wait until the current export, transfer or connection test has finished"));
    return 0;
  }
  std::vector<CertifiedResult> items = certifiedResults();
  if (items.empty()) {
    Q_EMIT error(tr("Nothing to export"), certifier_ ? tr("no method has finished yet")
                                                     : tr("no certificates: %1").arg(certifierProblem_));
    return 0;
  }
  const int count = int(items.size());
  if (!node) setLastFolder(folder);
  if (anonymize) forgetCaseOrigin();
  transfer_->exportCase(*case_, std::move(items), folder, std::move(node), anonymize);
  return count;
}

QStringList ComparisonSession::recentFiles() const { return QSettings().value(kRecentKey).toStringList(); }

void ComparisonSession::addRecent(const QString& origin) {
  QStringList list = recentFiles();
  list.removeAll(origin);
  list.prepend(origin);
  while (list.size() > kMaxRecent) list.removeLast();
  QSettings().setValue(kRecentKey, list);
  Q_EMIT recentFilesChanged();
}

void ComparisonSession::forgetCaseOrigin() {
  const QString origin = QString::fromStdString(case_->origin);
  QStringList list = recentFiles();
  if (list.removeAll(origin) > 0) {
    QSettings().setValue(kRecentKey, list);
    Q_EMIT recentFilesChanged();
  }
  const QString folder = QFileInfo(origin).absolutePath();
  if (lastFolder() == folder || lastFolder() == origin) QSettings().remove(kLastFolderKey);
}

QString ComparisonSession::lastFolder() const { return QSettings().value(kLastFolderKey).toString(); }

void ComparisonSession::setLastFolder(const QString& folder) { QSettings().setValue(kLastFolderKey, folder); }

WindowSettings ComparisonSession::windowSettings() const {
  QSettings s;
  WindowSettings w;
  w.geometry = s.value("window/geometry").toByteArray();
  w.state = s.value("window/state").toByteArray();
  for (int l = 0; l < viewer::kLinkCount; ++l) w.links[l] = s.value(linkKey(l), true).toBool();
  w.difference = s.value("view/difference", false).toBool();
  w.columns = s.value("view/columns", 4).toInt();
  w.mouseScheme = viewer::parseScheme(s.value(kMouseKey).toString().toStdString());
  return w;
}

void ComparisonSession::saveWindowSettings(const WindowSettings& w) const {
  QSettings s;
  s.setValue("window/geometry", w.geometry);
  s.setValue("window/state", w.state);
  for (int l = 0; l < viewer::kLinkCount; ++l) s.setValue(linkKey(l), w.links[l]);
  s.setValue("view/difference", w.difference);
  s.setValue("view/columns", w.columns);
  s.setValue(kMouseKey, QString::fromLatin1(viewer::schemeName(w.mouseScheme)));
}

}  // namespace trustct::ui
