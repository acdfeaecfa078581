#pragma once
// The TrustCT main window: a shell over ComparisonSession (the case, the certifiers, the workers, the
// settings) that shows the certified comparison and wires the actions (built in MainWindowActions.cpp) to it.
#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <optional>

#include "ui/session/ComparisonSession.h"
#include "viewer/ImageBuffer.h"
#include "viewer/WindowLevelPresets.h"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QProgressDialog;

namespace trustct::ui {

class ComparisonGrid;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  static constexpr const char* kDemoOrigin = ComparisonSession::kDemoOrigin;

  explicit MainWindow(ReconstructionEnvironment env, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts loading a file, series folder or demo origin in the worker; caseOpened or caseFailed follows.
  // False (with a message box unless quiet) when no opener accepts it; the current case stays.
  bool openCase(const QString& pathOrOrigin);
  bool isLoading() const { return session_->isLoading(); }
  void openDemo();
  void runAll();
  void cancelRun();
  bool isRunning() const { return session_->isRunning(); }
  bool exportComparison(const QString& path);
  // Certified DICOM of every finished method into `folder` / to a PACS, in the worker; false when there
  // is nothing certified to export or a transfer is running. dicomTransfer() reports the outcome.
  bool exportCertifiedDicom(const QString& folder, bool anonymize = false);
  bool sendToPacs(const DicomNode& node);
  DicomTransfer* dicomTransfer() const { return session_->dicomTransfer(); }
  // A preset on the current case only (a new case starts in its own window). HU presets apply to images in
  // Hounsfield units only: false, with a status message, on any other image or an unknown id.
  bool applyPreset(const std::string& id);
  // Home / Space / double click: every panel back to the case's initial zoom, pan and window/level.
  void resetView();
  void setMouseScheme(viewer::MouseScheme scheme);  // View ▸ Mouse buttons; saved with the window's settings
  viewer::MouseScheme mouseScheme() const;
  QAction* mouseSchemeAction(viewer::MouseScheme scheme) const { return schemeActions_[int(scheme)]; }
  QString mouseAndKeyboardHelp() const;  // Help ▸ Mouse and keyboard, from the bindings in use
  QString runStatus() const;             // the status bar's run read-out

  // Registers the user's models anew with their own calibrations and rebuilds the panels (the current
  // case is reconstructed again, now with them).
  void refreshMethods();
  ComparisonSession* session() const { return session_; }  // the case, certifiers, workers and settings
  QMenu* toolsMenu() const { return toolsMenu_; }

  ComparisonGrid* grid() const { return grid_; }
  ReconstructionRunner* runner() const { return session_->runner(); }
  const std::optional<CaseData>& currentCase() const { return session_->currentCase(); }
  const Certifier* certifier() const { return session_->certifier(); }
  QString certifierProblem() const { return session_->certifierProblem(); }
  QAction* linkAction(int link) const { return linkActions_[link]; }
  QStringList recentFiles() const { return session_->recentFiles(); }
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
  void connectRunner();
  void buildActions();  // MainWindowActions.cpp, with the menus, the tool bar and their enabling
  void buildFileActions();
  void startCase();  // a case just loaded: nothing of the previous one (zoom regions, preset) carries over
  void showCase();   // the session's current case
  bool startTransfer(const QString& folder, std::optional<DicomNode> node, bool anonymize = false);
  void buildMenus();
  void loadPresets();
  void setPanels(bool withReference, const viewer::ImageBuffer& reference, const viewer::WindowLevel& window);
  void restoreSettings();
  void saveSettings() const;
  void rebuildRecentMenu();
  void rebuildRegionMenu();
  void showError(const QString& title, const QString& text);
  void updateRunActions();
  QString panelTitle(const QString& methodId) const;

  ComparisonSession* session_;
  viewer::WindowLevelPresets presets_;
  ComparisonGrid* grid_;
  QProgressDialog* transferProgress_ = nullptr;
  QLabel* cursorLabel_;
  QLabel* runLabel_;
  bool quiet_ = false;

  QAction *openAction_, *demoAction_, *ellipsesAction_, *sheppLoganAction_, *exportAction_, *quitAction_;
  QAction *runAction_, *cancelAction_, *differenceAction_, *regionToolAction_, *clearRegionsAction_, *resetViewAction_;
  QAction *openDicomAction_, *openSeriesAction_, *openSinogramAction_, *exportDicomAction_, *exportAnonymizedAction_,
      *sendPacsAction_;
  QAction* linkActions_[4] = {};
  QAction* schemeActions_[2] = {};
  QList<QAction*> presetActions_;
  QMenu *recentMenu_ = nullptr, *regionMenu_ = nullptr, *presetMenu_ = nullptr, *toolsMenu_ = nullptr;
};

}  // namespace trustct::ui
