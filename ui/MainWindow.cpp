#include "ui/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>

#include "recon/core/Runtime.h"
#include "recon/learned/models/UserModels.h"
#include "recon/methods/MethodRegistry.h"
#include "ui/CaseLoader.h"
#include "ui/CertificateExplanationDialog.h"
#include "ui/ComparisonExport.h"
#include "ui/ComparisonGrid.h"
#include "ui/DicomTransfer.h"
#include "ui/PacsDialog.h"
#include "ui/ReconstructionRunner.h"

namespace trustct::ui {

namespace {
constexpr int kMaxRecent = 8;
const char* kRecentKey = "files/recent";
const char* kLastFolderKey = "files/lastFolder";
QString linkKey(int link) { return QString("links/") + viewer::linkName(static_cast<viewer::Link>(link)); }
}  // namespace

MainWindow::MainWindow(ReconstructionEnvironment env, QWidget* parent) : QMainWindow(parent), env_(std::move(env)) {
  setWindowTitle("TrustCT");
  setAcceptDrops(true);
  grid_ = new ComparisonGrid(this);
  setCentralWidget(grid_);
  runner_ = new ReconstructionRunner(env_, this);
  loader_ = new CaseLoader(env_, this);
  transfer_ = new DicomTransfer(this);
  loadCertifier();
  loadUserModels();
  loadPresets();
  buildActions();
  buildMenus();

  cursorLabel_ = new QLabel(this);
  runLabel_ = new QLabel(this);
  statusBar()->addWidget(cursorLabel_, 1);
  statusBar()->addPermanentWidget(runLabel_);
  if (!certifierProblem_.isEmpty()) runLabel_->setText(tr("Certificates unavailable"));

  const auto panelOf = [this](const QString& id) { return grid_->panel(id.toStdString()); };
  connect(runner_, &ReconstructionRunner::methodQueued, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setQueued();
  });
  connect(runner_, &ReconstructionRunner::methodStarted, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setRunning();
    runLabel_->setText(tr("Reconstructing with %1…").arg(panelTitle(id)));
  });
  connect(runner_, &ReconstructionRunner::methodProgress, this,
          [=](const QString& id, double fraction, double eta, const QString& message) {
            if (auto* p = panelOf(id)) p->setProgress(fraction, eta, message);
          });
  connect(runner_, &ReconstructionRunner::methodFinished, this, [=](const QString& id) {
    auto* p = panelOf(id);
    if (!p) return;
    const Certifier* c = runner_->certifierFor(id.toStdString()).get();
    p->setResult(runner_->results().at(id.toStdString()),
                 [c](const std::string& prop) {
                   return c ? propertyTitle(c->suite(), prop) : QString::fromStdString(prop);
                 },
                 tr("no certificates: %1").arg(certifierProblem_));
    grid_->refreshPanel(p);
  });
  connect(runner_, &ReconstructionRunner::methodFinished, this, &MainWindow::updateRunActions);
  connect(loader_, &CaseLoader::loaded, this, [this] { showCase(loader_->lastCase()); });
  connect(loader_, &CaseLoader::failed, this, [this](const QString& origin, const QString& problem) {
    // The previous case (panels, results) stays as it was.
    showError(tr("Cannot open %1").arg(origin), problem);
    updateRunActions();
    Q_EMIT caseFailed(origin, problem);
  });
  connect(transfer_, &DicomTransfer::progress, this, [this](int done, int total, const QString& text) {
    if (!transferProgress_) return;
    transferProgress_->setMaximum(total);
    transferProgress_->setValue(done);
    if (!text.isEmpty()) transferProgress_->setLabelText(text);
  });
  connect(transfer_, &DicomTransfer::finished, this, [this](bool ok, const QString& summary) {
    if (transferProgress_) transferProgress_->deleteLater();
    transferProgress_ = nullptr;
    updateRunActions();
    if (!ok) return showError(tr("DICOM transfer failed"), summary);
    statusBar()->showMessage(QString(summary).replace('\n', "; "), 15000);
    if (!quiet_) QMessageBox::information(this, tr("DICOM transfer finished"), summary);
  });
  connect(runner_, &ReconstructionRunner::methodCancelled, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setCancelled();
  });
  connect(runner_, &ReconstructionRunner::methodFailed, this, [=](const QString& id, const QString& message) {
    if (auto* p = panelOf(id)) p->setFailed(message);
  });
  connect(runner_, &ReconstructionRunner::runFinished, this, [this] {
    updateRunActions();
    runLabel_->setText(tr("Reconstruction finished"));
    Q_EMIT runFinished();
  });
  for (auto signal : {&ReconstructionRunner::methodQueued, &ReconstructionRunner::methodStarted,
                      &ReconstructionRunner::methodFinished, &ReconstructionRunner::methodCancelled})
    connect(runner_, signal, grid_, &ComparisonGrid::updateSummary);
  connect(runner_, &ReconstructionRunner::methodFailed, grid_, &ComparisonGrid::updateSummary);
  connect(grid_, &ComparisonGrid::badgeClicked, this,
          [this](const QString& id, const QString& property) { explainCertificate(id, property); });
  connect(grid_, &ComparisonGrid::cursorReadout, cursorLabel_, &QLabel::setText);
  grid_->coordinator().subscribe([this](int, int changes) {
    if (changes & viewer::ViewLinkCoordinator::RegionsChanged) rebuildRegionMenu();
  });
  restoreSettings();
  // The panels exist from the start, so their GL set-up happens when the window first shows.
  const int n = env_.geometry().imageSize;
  grid_->setPanels(panelSpecs(true), {}, n, n, viewer::WindowLevel{});
  reserveBadgeSpace();
  updateRunActions();
}

MainWindow::~MainWindow() { runner_->discard(); }

QString MainWindow::panelTitle(const QString& id) const {
  if (auto* p = grid_->panel(id.toStdString())) return p->title();
  return id;
}

void MainWindow::loadCertifier() {
  try {
    certifier_ = std::make_shared<const Certifier>(Certifier::loadDefault(env_));
    runner_->setCertifier(certifier_);
    certifierProblem_.clear();
  } catch (const std::exception& e) {
    certifier_.reset();
    runner_->setCertifier(nullptr);
    certifierProblem_ = QString::fromStdString(e.what());
  }
}

QString MainWindow::userModelsFolder() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/TrustCT/models";
}

void MainWindow::loadUserModels() {
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
      statusBar()->showMessage(tr("%1: no certificates: %2").arg(QString::fromStdString(id), e.what()), 10000);
    }
  }
}

void MainWindow::refreshMethods() {
  loadUserModels();
  if (case_) {
    const CaseData current = *case_;  // showCase replaces case_
    return showCase(current);
  }
  const int n = env_.geometry().imageSize;
  grid_->setPanels(panelSpecs(true), {}, n, n, viewer::WindowLevel{});
  reserveBadgeSpace();
  updateRunActions();
}

void MainWindow::reserveBadgeSpace() {
  if (!certifier_) return;
  QStringList titles;
  for (const auto& p : certifier_->suite().properties()) titles << QString::fromStdString(p->title());
  for (MethodPanel* p : grid_->panels())
    if (p->state() != MethodPanel::State::Reference) p->badges()->reserveFor(titles);
}

void MainWindow::loadPresets() {
  try {
    presets_ = viewer::WindowLevelPresets::load(viewer::WindowLevelPresets::defaultPath(env_.resourceDir));
  } catch (const std::exception& e) {
    presets_ = {};
    statusBar()->showMessage(tr("Window/level presets unavailable: %1").arg(e.what()));
  }
}

void MainWindow::buildActions() {
  QStyle* s = style();
  openAction_ = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), this);
  openAction_->setShortcut(QKeySequence::Open);
  connect(openAction_, &QAction::triggered, this, [this] {
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open sinogram"), settings.value(kLastFolderKey).toString(),
                                                      QString::fromStdString(CaseOpeners::instance().dialogFilter()));
    if (!path.isEmpty()) openCase(path);
  });
  demoAction_ = new QAction(s->standardIcon(QStyle::SP_FileDialogInfoView), tr("&Demo"), this);
  demoAction_->setShortcut(tr("Ctrl+D"));
  demoAction_->setToolTip(tr("The demo case of `trustct-cli demo`: an Ellipses phantom, exact sinogram, 1.5 % noise"));
  connect(demoAction_, &QAction::triggered, this, &MainWindow::openDemo);
  sheppLoganAction_ = new QAction(tr("&Shepp–Logan phantom (outside the Ellipses calibration)"), this);
  connect(sheppLoganAction_, &QAction::triggered, this, [this] { openCase("demo:shepp-logan"); });
  ellipsesAction_ = new QAction(tr("Random &ellipses phantom"), this);
  connect(ellipsesAction_, &QAction::triggered, this, [this] {
    openCase(QString("demo:ellipses:%1").arg(QDateTime::currentMSecsSinceEpoch() % 100000));
  });
  exportAction_ = new QAction(s->standardIcon(QStyle::SP_DialogSaveButton), tr("&Export comparison as PNG…"), this);
  exportAction_->setShortcut(tr("Ctrl+E"));
  connect(exportAction_, &QAction::triggered, this, [this] {
    QSettings settings;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison"),
                                                      settings.value(kLastFolderKey).toString() + "/comparison.png",
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty()) exportComparison(path);
  });
  quitAction_ = new QAction(tr("&Quit"), this);
  quitAction_->setShortcut(QKeySequence::Quit);
  connect(quitAction_, &QAction::triggered, this, &QWidget::close);

  runAction_ = new QAction(s->standardIcon(QStyle::SP_MediaPlay), tr("&Reconstruct all"), this);
  runAction_->setShortcut(tr("Ctrl+R"));
  connect(runAction_, &QAction::triggered, this, &MainWindow::runAll);
  cancelAction_ = new QAction(s->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this);
  cancelAction_->setShortcut(Qt::Key_Escape);
  connect(cancelAction_, &QAction::triggered, this, &MainWindow::cancelRun);

  differenceAction_ = new QAction(tr("&Difference to reference"), this);
  differenceAction_->setCheckable(true);
  differenceAction_->setShortcut(tr("D"));
  connect(differenceAction_, &QAction::toggled, grid_, &ComparisonGrid::setDifferenceMode);
  regionToolAction_ = new QAction(tr("Zoom &region tool"), this);
  regionToolAction_->setCheckable(true);
  regionToolAction_->setShortcut(tr("R"));
  regionToolAction_->setToolTip(tr("Drag a rectangle on any panel to magnify it in every panel (or Ctrl+drag)"));
  connect(regionToolAction_, &QAction::toggled, grid_, &ComparisonGrid::setRegionTool);
  clearRegionsAction_ = new QAction(tr("&Clear zoom regions"), this);
  clearRegionsAction_->setShortcut(tr("Shift+Del"));
  connect(clearRegionsAction_, &QAction::triggered, this, [this] { grid_->coordinator().clearRegions(); });
  resetViewAction_ = new QAction(tr("Reset &view"), this);
  resetViewAction_->setShortcut(Qt::Key_Home);
  connect(resetViewAction_, &QAction::triggered, this, [this] {
    auto& c = grid_->coordinator();
    for (int p = 0; p < c.panelCount(); ++p) c.resetView(p);
  });
  const QString linkTexts[] = {tr("Link &zoom"), tr("Link &pan"), tr("Link &window/level"), tr("Link c&ursor")};
  for (int l = 0; l < viewer::kLinkCount; ++l) {
    linkActions_[l] = new QAction(linkTexts[l], this);
    linkActions_[l]->setCheckable(true);
    linkActions_[l]->setChecked(true);
    connect(linkActions_[l], &QAction::toggled, this,
            [this, l](bool on) { grid_->coordinator().setLinked(static_cast<viewer::Link>(l), on); });
  }
  for (const viewer::WindowLevelPreset& p : presets_.all(viewer::WindowLevel{})) {
    auto* a = new QAction(p.id == viewer::WindowLevelPresets::kFileId
                              ? tr("File's own window")
                              : tr("%1  (W %2 / L %3 HU)").arg(QString::fromStdString(p.name)).arg(p.widthHu).arg(p.levelHu),
                          this);
    a->setShortcut(QKeySequence(QString::fromStdString(p.shortcut)));
    a->setData(QString::fromStdString(p.id));
    connect(a, &QAction::triggered, this, [this, id = p.id] { applyPreset(id); });
    presetActions_.push_back(a);
  }
  addActions(presetActions_);  // shortcuts work without the menu open
  buildFileActions();
}

void MainWindow::buildFileActions() {
  const auto lastFolder = [] { return QSettings().value(kLastFolderKey).toString(); };
  const auto openFile = [this, lastFolder](const QString& title, const char* type) {
    const QString path = QFileDialog::getOpenFileName(this, title, lastFolder(),
                                                      QString::fromStdString(CaseOpeners::instance().dialogFilter(type)));
    if (!path.isEmpty()) openCase(path);
  };
  const auto chooseFolder = [this, lastFolder](const QString& title) {
    return QFileDialog::getExistingDirectory(this, title, lastFolder());
  };
  openDicomAction_ = new QAction(tr("Open DICOM &file…"), this);
  connect(openDicomAction_, &QAction::triggered, this,
          [=] { openFile(tr("Open DICOM CT file"), CaseOpeners::kDicomType); });
  openSeriesAction_ = new QAction(tr("Open DICOM &series folder…"), this);
  openSeriesAction_->setShortcut(tr("Ctrl+Shift+O"));
  connect(openSeriesAction_, &QAction::triggered, this, [=] {
    if (const QString dir = chooseFolder(tr("Open DICOM CT series folder")); !dir.isEmpty()) openCase(dir);
  });
  openSinogramAction_ = new QAction(tr("Open si&nogram (.npy, …)…"), this);
  connect(openSinogramAction_, &QAction::triggered, this,
          [=] { openFile(tr("Open sinogram"), CaseOpeners::kSinogramType); });
  exportDicomAction_ = new QAction(tr("Export certified &DICOM…"), this);
  exportDicomAction_->setToolTip(tr("Per finished method: CT image and certificate SR (and a KOS when it fails)"));
  connect(exportDicomAction_, &QAction::triggered, this, [=] {
    if (const QString dir = chooseFolder(tr("Export certified DICOM into folder")); !dir.isEmpty()) exportCertifiedDicom(dir);
  });
  sendPacsAction_ = new QAction(tr("Send to &PACS…"), this);
  connect(sendPacsAction_, &QAction::triggered, this, [this] {
    PacsDialog dialog(*transfer_, this);
    if (dialog.exec() == QDialog::Accepted) sendToPacs(dialog.node());
  });
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(openAction_);
  file->addAction(openDicomAction_);
  file->addAction(openSeriesAction_);
  file->addAction(openSinogramAction_);
  QMenu* demo = file->addMenu(tr("Open &demo"));
  demo->addAction(demoAction_);
  demo->addAction(ellipsesAction_);
  demo->addAction(sheppLoganAction_);
  recentMenu_ = file->addMenu(tr("Open &recent"));
  file->addSeparator();
  file->addAction(exportAction_);
  file->addAction(exportDicomAction_);
  file->addAction(sendPacsAction_);
  file->addSeparator();
  file->addAction(quitAction_);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  presetMenu_ = view->addMenu(tr("Window/&level preset"));
  presetMenu_->addActions(presetActions_);
  view->addAction(differenceAction_);
  view->addSeparator();
  view->addAction(regionToolAction_);
  regionMenu_ = view->addMenu(tr("Remove zoom region"));
  view->addAction(clearRegionsAction_);
  view->addAction(resetViewAction_);
  view->addSeparator();
  for (QAction* a : linkActions_) view->addAction(a);

  QMenu* recon = menuBar()->addMenu(tr("&Reconstruct"));
  recon->addAction(runAction_);
  recon->addAction(cancelAction_);

  toolsMenu_ = menuBar()->addMenu(tr("&Tools"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Mouse and keyboard"), this, [this] {
    QMessageBox::information(this, tr("Mouse and keyboard"),
                             tr("<b>Wheel</b>: zoom about the pointer<br><b>Left drag</b>: pan<br>"
                                "<b>Right drag</b>: window (horizontal) and level (vertical)<br>"
                                "<b>Ctrl + left drag</b> or region tool (R): add a zoom region, shown magnified in every panel<br>"
                                "<b>Double click</b> / Home: reset the view<br><b>Ctrl+0 … Ctrl+6</b>: window/level presets<br>"
                                "<b>D</b>: difference to the reference<br>Click a certificate badge for its explanation."));
  });
  help->addAction(tr("About TrustCT"), this, [this] {
    QMessageBox::about(this, tr("About TrustCT"),
                       tr("TrustCT %1 — sparse-angle CT reconstruction with trustworthiness certificates.")
                           .arg(QString::fromStdString(versionString())));
  });

  QToolBar* bar = addToolBar(tr("Main"));
  bar->setObjectName("mainToolBar");
  bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  bar->addAction(openAction_);
  bar->addAction(demoAction_);
  bar->addSeparator();
  bar->addAction(runAction_);
  bar->addAction(cancelAction_);
  bar->addSeparator();
  auto* presetButton = new QToolButton(this);
  presetButton->setText(tr("Window/level"));
  presetButton->setMenu(presetMenu_);
  presetButton->setPopupMode(QToolButton::InstantPopup);
  bar->addWidget(presetButton);
  bar->addAction(differenceAction_);
  bar->addAction(regionToolAction_);
  bar->addAction(clearRegionsAction_);
  bar->addSeparator();
  bar->addWidget(new QLabel(tr(" Link: "), this));
  const QString shortTexts[] = {tr("zoom"), tr("pan"), tr("W/L"), tr("cursor")};
  for (int l = 0; l < viewer::kLinkCount; ++l) {
    auto* b = new QToolButton(this);
    b->setDefaultAction(linkActions_[l]);
    b->setText(shortTexts[l]);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addWidget(b);
  }
  rebuildRegionMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  for (const QString& f : recentFiles()) recentMenu_->addAction(f, this, [this, f] { openCase(f); });
  recentMenu_->setEnabled(!recentMenu_->isEmpty());
}

void MainWindow::rebuildRegionMenu() {
  regionMenu_->clear();
  const auto& regions = grid_->coordinator().regions();
  for (size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    regionMenu_->addAction(tr("Region %1  (%2, %3) – (%4, %5)").arg(i + 1).arg(int(r.x0)).arg(int(r.y0)).arg(int(r.x1)).arg(int(r.y1)),
                           this, [this, id = r.id] { grid_->coordinator().removeRegion(id); });
  }
  regionMenu_->setEnabled(!regions.empty());
  clearRegionsAction_->setEnabled(!regions.empty());
}

QStringList MainWindow::recentFiles() const { return QSettings().value(kRecentKey).toStringList(); }

void MainWindow::addRecent(const QString& origin) {
  QStringList list = recentFiles();
  list.removeAll(origin);
  list.prepend(origin);
  while (list.size() > kMaxRecent) list.removeLast();
  QSettings().setValue(kRecentKey, list);
  rebuildRecentMenu();
}

std::vector<PanelSpec> MainWindow::panelSpecs(bool withReference) const {
  std::vector<PanelSpec> specs;
  if (withReference) specs.push_back({ComparisonGrid::kReferenceId, tr("Reference"), true, true, {}});
  // The registry's order is the comparison's: the papers' methods first, then the user's models.
  for (const MethodInfo& i : MethodRegistry::instance().methods(env_))
    specs.push_back({i.id, QString::fromStdString(i.displayName), false, i.available,
                     QString::fromStdString(i.unavailableReason)});
  return specs;
}

void MainWindow::openDemo() { openCase(kDemoOrigin); }

bool MainWindow::openCase(const QString& origin) {
  std::shared_ptr<const CaseSource> source;
  try {
    source = CaseOpeners::instance().open(origin.toStdString());
  } catch (const std::exception& e) {
    showError(tr("Cannot open %1").arg(origin), QString::fromStdString(e.what()));
    Q_EMIT caseFailed(origin, QString::fromStdString(e.what()));
    return false;
  }
  statusBar()->showMessage(tr("Loading %1…").arg(origin));
  loader_->load(std::move(source));
  return true;
}

bool MainWindow::isLoading() const { return loader_->isLoading(); }

void MainWindow::showCase(const CaseData& c) {
  const QString origin = QString::fromStdString(c.origin);
  runner_->discard();
  case_ = c;
  const viewer::ImageBuffer reference = c.reference.defined() ? imageBufferFrom(c.reference) : viewer::ImageBuffer{};
  grid_->setHounsfield(c.huCalibrated);
  const int n = env_.geometry().imageSize;
  grid_->setPanels(panelSpecs(!reference.empty()), reference, n, n, c.ownWindow.value_or(viewer::WindowLevel{}));
  reserveBadgeSpace();
  grid_->setDifferenceMode(differenceAction_->isChecked() && !reference.empty());
  differenceAction_->setEnabled(!reference.empty());
  for (QAction* a : presetActions_)
    if (a->data().toString() == viewer::WindowLevelPresets::kFileId) a->setEnabled(c.ownWindow.has_value());
  setWindowTitle(tr("%1 — TrustCT").arg(QString::fromStdString(c.title)));
  statusBar()->showMessage(QString::fromStdString(c.title + (c.note.empty() ? "" : " · " + c.note)), 8000);
  if (!origin.startsWith("demo:")) {
    addRecent(origin);
    QSettings().setValue(kLastFolderKey, QFileInfo(origin).absolutePath());
  }
  const std::string preset = QSettings().value("view/preset", viewer::WindowLevelPresets::kFileId).toString().toStdString();
  if (preset != viewer::WindowLevelPresets::kFileId) applyPreset(preset);
  Q_EMIT caseOpened();
  runAll();
}

void MainWindow::runAll() {
  if (!case_) return;
  std::vector<std::string> ids;
  for (const MethodPanel* p : grid_->panels())
    if (p->state() != MethodPanel::State::Reference && p->state() != MethodPanel::State::Unavailable)
      ids.push_back(p->methodId());
  runner_->start(*case_, ids);
  updateRunActions();
}

void MainWindow::cancelRun() {
  if (!runner_->isRunning()) return;
  runner_->cancel();
  runLabel_->setText(tr("Cancelling…"));
}

bool MainWindow::isRunning() const { return runner_->isRunning(); }

void MainWindow::updateRunActions() {
  runAction_->setEnabled(case_.has_value());
  cancelAction_->setEnabled(runner_->isRunning());
  exportAction_->setEnabled(case_.has_value());
  bool certified = false;
  for (const auto& [id, r] : runner_->results()) certified |= r.report.has_value();
  exportDicomAction_->setEnabled(certified && !transfer_->isBusy());
  sendPacsAction_->setEnabled(certified && !transfer_->isBusy());
}

bool MainWindow::exportCertifiedDicom(const QString& folder) {
  if (!startTransfer(folder, std::nullopt)) return false;
  QSettings().setValue(kLastFolderKey, folder);
  return true;
}

bool MainWindow::sendToPacs(const DicomNode& node) { return startTransfer({}, node); }

bool MainWindow::startTransfer(const QString& folder, std::optional<DicomNode> node) {
  if (!case_) return false;
  if (transfer_->isBusy()) {
    showError(tr("DICOM transfer running"), tr("wait until the current export, transfer or connection test has finished"));
    return false;
  }
  std::vector<CertifiedResult> items;
  for (const MethodPanel* p : grid_->panels()) {  // in the comparison's order
    const auto it = runner_->results().find(p->methodId());
    if (it != runner_->results().end() && it->second.report) items.push_back(it->second);
  }
  if (items.empty()) {
    showError(tr("Nothing to export"), certifier_ ? tr("no method has finished yet")
                                                  : tr("no certificates: %1").arg(certifierProblem_));
    return false;
  }
  transferProgress_ = new QProgressDialog(node ? tr("Exporting for %1…").arg(QString::fromStdString(node->describe()))
                                               : tr("Exporting certified DICOM…"),
                                          tr("Cancel"), 0, int(items.size()) + (node ? 1 : 0), this);
  transferProgress_->setWindowTitle(node ? tr("Send to PACS") : tr("Export certified DICOM"));
  transferProgress_->setMinimumDuration(300);
  transferProgress_->setAutoClose(false);
  transferProgress_->setAutoReset(false);
  connect(transferProgress_, &QProgressDialog::canceled, transfer_, &DicomTransfer::cancel);
  transfer_->exportCase(*case_, std::move(items), folder, std::move(node));
  updateRunActions();
  return true;
}

void MainWindow::applyPreset(const std::string& id) {
  if (id == viewer::WindowLevelPresets::kFileId) {
    if (case_ && case_->ownWindow) grid_->coordinator().setWindowAll(*case_->ownWindow);
  } else if (const viewer::WindowLevelPreset* p = presets_.find(id)) {
    grid_->coordinator().setWindowAll(p->window());
  } else {
    return;
  }
  QSettings().setValue("view/preset", QString::fromStdString(id));
}

bool MainWindow::exportComparison(const QString& path) {
  if (!case_) return false;
  try {
    const QString caption = tr("TrustCT %1 — %2 — %3 — %4")
                                .arg(QString::fromStdString(versionString()), QString::fromStdString(case_->title),
                                     QString::fromStdString(env_.geometry().describe()),
                                     QDateTime::currentDateTime().toString(Qt::ISODate));
    saveComparisonPng(renderComparison(*grid_, caption), path);
    QSettings().setValue(kLastFolderKey, QFileInfo(path).absolutePath());
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    return true;
  } catch (const std::exception& e) {
    showError(tr("Export failed"), QString::fromStdString(e.what()));
    return false;
  }
}

QDialog* MainWindow::explainCertificate(const QString& methodId, const QString& property) {
  const MethodPanel* panel = grid_->panel(methodId.toStdString());
  const std::shared_ptr<const Certifier> certifier = runner_->certifierFor(methodId.toStdString());
  if (!panel || !panel->result() || !panel->result()->report || !certifier) return nullptr;
  const Certificate* c = panel->result()->report->find(property.toStdString());
  const PropertyCalibration* cal = certifier->calibration().find(property.toStdString());
  const CertificateProperty* prop = certifier->suite().find(property.toStdString());
  if (!c || !cal || !prop) return nullptr;
  auto* dialog = new CertificateExplanationDialog(panel->title(), *c, *prop, *cal, certifier->calibration(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->show();
  return dialog;
}

void MainWindow::showError(const QString& title, const QString& text) {
  statusBar()->showMessage(title + ": " + text, 10000);
  if (!quiet_) QMessageBox::warning(this, title, text);
}

void MainWindow::restoreSettings() {
  QSettings s;
  restoreGeometry(s.value("window/geometry").toByteArray());
  restoreState(s.value("window/state").toByteArray());
  for (int l = 0; l < viewer::kLinkCount; ++l) linkActions_[l]->setChecked(s.value(linkKey(l), true).toBool());
  differenceAction_->setChecked(s.value("view/difference", false).toBool());
  grid_->setColumns(s.value("view/columns", 4).toInt());
  rebuildRecentMenu();
}

void MainWindow::saveSettings() const {
  QSettings s;
  s.setValue("window/geometry", saveGeometry());
  s.setValue("window/state", saveState());
  for (int l = 0; l < viewer::kLinkCount; ++l) s.setValue(linkKey(l), linkActions_[l]->isChecked());
  s.setValue("view/difference", differenceAction_->isChecked());
  s.setValue("view/columns", grid_->columns());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
  if (e->mimeData()->hasUrls() && e->mimeData()->urls().first().isLocalFile()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
  const QList<QUrl> urls = e->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) {
    e->acceptProposedAction();
    openCase(urls.first().toLocalFile());
  }
}

void MainWindow::closeEvent(QCloseEvent* e) {
  saveSettings();
  runner_->discard();
  QMainWindow::closeEvent(e);
}

}  // namespace trustct::ui
