#pragma once
// The comparison's state without a window (the model layer of ui/, in the manner of ITK-SNAP's GlobalUIModel):
// the open case, the certifiers (the default calibration and each user model's own), the workers that load a
// case, reconstruct and certify it and export or send the certified DICOM, and the settings the window keeps
// (recent files, last folder, links, mouse bindings). MainWindow is a shell that connects to its signals; the unit
// tests drive it with no display. Signals are emitted in the GUI thread.
#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certs/CertifiedReconstruction.h"
#include "certs/Certifier.h"
#include "certs/dicom/DicomNetwork.h"
#include "ui/CaseSource.h"
#include "viewer/MouseBindings.h"
#include "viewer/ViewLinkCoordinator.h"

namespace trustct::ui {

class CaseLoader;
class DicomTransfer;
class ReconstructionRunner;

// What the window restores on start and saves on close (QSettings keys "window/…" and "view/…").
// A window/level preset is not among them: it belongs to the case it was chosen on.
struct WindowSettings {
  QByteArray geometry, state;
  std::array<bool, viewer::kLinkCount> links{};
  bool difference = false;
  int columns = 4;
  viewer::MouseScheme mouseScheme = viewer::MouseScheme::ReadingRoom;
};

class ComparisonSession : public QObject {
  Q_OBJECT
 public:
  // The demo case: the same Ellipses phantom (seed 7) as `trustct-cli demo`, inside the calibration's distribution.
  static constexpr const char* kDemoOrigin = "demo:ellipses:7";

  // Loads the default calibration and the shipped methods' own; loadUserModels() adds the user's models
  // (called by the window once it listens to message(), so a model without certificates is reported).
  explicit ComparisonSession(ReconstructionEnvironment env, QObject* parent = nullptr);
  ~ComparisonSession() override;  // discards a run in progress

  // The user's trained models (the training wizard publishes there): <XDG data>/TrustCT/models.
  static QString userModelsFolder();
  // Registers the user's models anew (a re-published model replaces its entry) with their certifiers.
  void loadUserModels();

  // Starts loading a file, series folder or demo origin; caseLoaded or caseFailed follows. False (and
  // caseFailed) when no opener accepts it; the current case stays.
  bool openCase(const QString& pathOrOrigin);
  bool isLoading() const;
  // Reconstructs the current case with every available method, in the registry's (the comparison's) order.
  void runAll();
  void cancelRun();
  bool isRunning() const;
  // Every certified result, in the comparison's order.
  std::vector<CertifiedResult> certifiedResults() const;
  // Certified DICOM of every certified result into `folder`, or to `node`, in the worker. Returns the number
  // of results going out; 0 when refused (a transfer is running, nothing is certified), with `error`.
  // `anonymize`: a research export; the case's file is then also dropped from the recent files and the
  // last folder, so this workstation's settings keep no name of the patient's file either.
  int startTransfer(const QString& folder, std::optional<DicomNode> node, bool anonymize = false);

  const ReconstructionEnvironment& environment() const { return env_; }
  const std::optional<CaseData>& currentCase() const { return case_; }
  const Certifier* certifier() const { return certifier_.get(); }
  QString certifierProblem() const { return certifierProblem_; }
  ReconstructionRunner* runner() const { return runner_; }
  DicomTransfer* dicomTransfer() const { return transfer_; }

  QStringList recentFiles() const;  // most recent first; demo cases and failures are not remembered
  QString lastFolder() const;
  void setLastFolder(const QString& folder);
  // The window/level preset applied to the current case ("file" until one is chosen). Per case and never
  // saved: a preset chosen for one patient must not greet the next one (a mediastinum window on a phantom
  // shows it binary), nor the next session.
  std::string preset() const { return preset_; }
  void setPreset(const std::string& id) { preset_ = id; }
  WindowSettings windowSettings() const;
  void saveWindowSettings(const WindowSettings& s) const;

 Q_SIGNALS:
  void caseLoaded();  // currentCase() is the new case; the previous run is discarded
  void caseFailed(const QString& origin, const QString& problem);
  void recentFilesChanged();
  // A problem for the user: opening, exporting, a transfer that failed.
  void error(const QString& title, const QString& text);
  void message(const QString& text, int timeoutMs);  // for the status bar

 private:
  void loadCertifier();
  void addRecent(const QString& origin);
  void forgetCaseOrigin();  // the current case's file out of the recent files and the last folder

  ReconstructionEnvironment env_;
  std::shared_ptr<const Certifier> certifier_;
  QString certifierProblem_;
  QStringList methodCertifierProblems_;  // shipped methods whose own calibration failed to load
  std::optional<CaseData> case_;
  ReconstructionRunner* runner_;
  CaseLoader* loader_;
  DicomTransfer* transfer_;
  std::string preset_;
};

}  // namespace trustct::ui
