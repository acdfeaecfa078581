#pragma once
// The TrustCT main window: opens a case (demo phantom, sinogram file; DICOM through CaseOpeners),
// reconstructs it with every method in a worker thread, and shows the certified comparison.
#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <optional>

#include "certs/Certifier.h"
#include "ui/CaseSource.h"
#include "viewer/WindowLevelPresets.h"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;

namespace trustct::ui {

class ComparisonGrid;
class ReconstructionRunner;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // The comparison's columns in the papers' order; methods the registry knows beyond these follow.
  static const std::vector<std::pair<std::string, std::string>>& paperMethods();

  // The demo case: the same Ellipses phantom (seed 7) as `trustct-cli demo`, inside the calibration's distribution.
  static constexpr const char* kDemoOrigin = "demo:ellipses:7";

  explicit MainWindow(ReconstructionEnvironment env, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a file or demo origin; false (with a message box unless quiet) when it cannot be used.
  bool openCase(const QString& pathOrOrigin);
  void openDemo();
  void runAll();
  void cancelRun();
  bool isRunning() const;
  bool exportComparison(const QString& path);
  void applyPreset(const std::string& id);

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
  void runFinished();

 protected:
  void dragEnterEvent(QDragEnterEvent* e) override;
  void dropEvent(QDropEvent* e) override;
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildActions();
  void buildMenus();
  void loadCertifier();
  void loadPresets();
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
  QLabel* cursorLabel_;
  QLabel* runLabel_;
  bool quiet_ = false;

  QAction *openAction_, *demoAction_, *ellipsesAction_, *sheppLoganAction_, *exportAction_, *quitAction_;
  QAction *runAction_, *cancelAction_, *differenceAction_, *regionToolAction_, *clearRegionsAction_, *resetViewAction_;
  QAction* linkActions_[4] = {};
  QList<QAction*> presetActions_;
  QMenu *recentMenu_ = nullptr, *regionMenu_ = nullptr, *presetMenu_ = nullptr;
};

}  // namespace trustct::ui
