#pragma once
// The TrustCT main window: opens a case (demo phantom, sinogram file; DICOM through CaseOpeners),
// reconstructs it with every method in a worker thread, and shows the certified comparison.
#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <optional>

#include "certs/Certifier.h"
#include "certs/dicom/DicomNetwork.h"
#include "ui/CaseSource.h"
#include "viewer/WindowLevelPresets.h"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QProgressDialog;

namespace trustct::ui {

class CaseLoader;
class ComparisonGrid;
class DicomTransfer;
class ReconstructionRunner;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // The demo case: the same Ellipses phantom (seed 7) as `trustct-cli demo`, inside the calibration's distribution.
  static constexpr const char* kDemoOrigin = "demo:ellipses:7";

  explicit MainWindow(ReconstructionEnvironment env, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading a file, series folder or demo origin in the worker; caseOpened or caseFailed follows.
  // False (with a message box unless quiet) when no opener accepts it; the current case stays.
  bool openCase(const QString& pathOrOrigin);
  bool isLoading() const;
  void openDemo();
  void runAll();
  void cancelRun();
  bool isRunning() const;
  bool exportComparison(const QString& path);
  // Certified DICOM of every finished method into `folder` / to a PACS, in the worker; false when there
  // is nothing certified to export or a transfer is running. dicomTransfer() reports the outcome.
  bool exportCertifiedDicom(const QString& folder);
  bool sendToPacs(const DicomNode& node);
  DicomTransfer* dicomTransfer() const { return transfer_; }
  void applyPreset(const std::string& id);

  // The user's trained models (the training wizard publishes there): <XDG data>/TrustCT/models.
  static QString userModelsFolder();
  // Registers the user's models anew with their own calibrations and rebuilds the panels (the current
  // case is reconstructed again, now with them).
  void refreshMethods();
  const ReconstructionEnvironment& environment() const { return env_; }
  QMenu* toolsMenu() const { return toolsMenu_; }

  ComparisonGrid* grid() const { return grid_; }
  ReconstructionRunner* runner() const { return runner_; }
  const std::optional<CaseData>& currentCase() const { return case_; }
  const Certifier* certifier() const { return certifier_.get(); }
  QString certifierProblem() const { return certifierProblem_; }
  QAction* linkAction(int link) const { return linkActions_[link]; }
  QStringList recentFiles() const;
  void setQuiet(bool quiet) { quiet_ = quiet; }  // no modal message boxes (tests, screenshots)
  // Opens the explanation of `property` on `methodId`'s panel; returns the (non-modal) dialog.
  QDialog* explainCertificate(const QString& methodId, const QString& property);

 Q_SIGNALS:
  void caseOpened();
  void caseFailed(const QString& origin, const QString& problem);
  void runFinished();

 protected:
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildActions();
  void buildFileActions();
  void showCase(const CaseData& c);
  bool startTransfer(const QString& folder, std::optional<DicomNode> node);
  void buildMenus();
  void loadCertifier();
  void loadUserModels();  // registry entries and certifiers of the user's models
  void loadPresets();
  void reserveBadgeSpace();  // badges arriving must not resize the views
  void restoreSettings();
  void saveSettings() const;
  void addRecent(const QString& origin);
  void rebuildRecentMenu();
  void rebuildRegionMenu();
  void showError(const QString& title, const QString& text);
  std::vector<struct PanelSpec> panelSpecs(bool withReference) const;
  void updateRunActions();
  QString panelTitle(const QString& methodId) const;

  ReconstructionEnvironment env_;
  std::shared_ptr<const Certifier> certifier_;
  QString certifierProblem_;
  viewer::WindowLevelPresets presets_;
  std::optional<CaseData> case_;
  ComparisonGrid* grid_;
  ReconstructionRunner* runner_;
  CaseLoader* loader_;
  DicomTransfer* transfer_;
  QProgressDialog* transferProgress_ = nullptr;
  QLabel* cursorLabel_;
  QLabel* runLabel_;
  bool quiet_ = false;

  QAction *openAction_, *demoAction_, *ellipsesAction_, *sheppLoganAction_, *exportAction_, *quitAction_;
  QAction *runAction_, *cancelAction_, *differenceAction_, *regionToolAction_, *clearRegionsAction_, *resetViewAction_;
  QAction *openDicomAction_, *openSeriesAction_, *openSinogramAction_, *exportDicomAction_, *sendPacsAction_;
  QAction* linkActions_[4] = {};
  QList<QAction*> presetActions_;
  QMenu *recentMenu_ = nullptr, *regionMenu_ = nullptr, *presetMenu_ = nullptr, *toolsMenu_ = nullptr;
};

}  // namespace trustct::ui
