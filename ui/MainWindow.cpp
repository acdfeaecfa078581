#include "ui/MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QStatusBar>

#include "recon/core/Runtime.h"
#include "recon/methods/MethodRegistry.h"
#include "ui/CertificateExplanationDialog.h"
#include "ui/ComparisonExport.h"
#include "ui/ComparisonGrid.h"
#include "ui/DicomTransfer.h"
#include "ui/ReconstructionRunner.h"

namespace trustct::ui {

MainWindow::MainWindow(ReconstructionEnvironment env, QWidget* parent)
    : QMainWindow(parent), session_(new ComparisonSession(std::move(env), this)) {
  setWindowTitle("TrustCT");
  setAcceptDrops(true);
  grid_ = new ComparisonGrid(this);
  setCentralWidget(grid_);
  cursorLabel_ = new QLabel(this);
  runLabel_ = new QLabel(this);
  runLabel_->setObjectName("runStatus");
  statusBar()->addWidget(cursorLabel_, 1);
  statusBar()->addPermanentWidget(runLabel_);
  connect(session_, &ComparisonSession::message, statusBar(), &QStatusBar::showMessage);
  connect(session_, &ComparisonSession::error, this, &MainWindow::showError);
  session_->loadUserModels();  // once connected, so a model without certificates is named in the status bar
  loadPresets();
  buildActions();
  buildMenus();
  if (!certifierProblem().isEmpty()) runLabel_->setText(tr("Certificates unavailable"));

  connectRunner();
  connect(session_, &ComparisonSession::caseLoaded, this, &MainWindow::startCase);
  connect(session_, &ComparisonSession::caseFailed, this, [this](const QString& origin, const QString& problem) {
    updateRunActions();
    Q_EMIT caseFailed(origin, problem);
  });
  connect(session_, &ComparisonSession::recentFilesChanged, this, &MainWindow::rebuildRecentMenu);
  DicomTransfer* transfer = dicomTransfer();
  connect(transfer, &DicomTransfer::progress, this, [this](int done, int total, const QString& text) {
    if (!transferProgress_) return;
    transferProgress_->setMaximum(total);
    transferProgress_->setValue(done);
    if (!text.isEmpty()) transferProgress_->setLabelText(text);
  });
  connect(transfer, &DicomTransfer::finished, this, [this](bool ok, const QString& summary) {
    if (transferProgress_) transferProgress_->deleteLater();
    transferProgress_ = nullptr;
    updateRunActions();
    if (!ok) return showError(tr("DICOM transfer failed"), summary);
    statusBar()->showMessage(QString(summary).replace('\n', "; "), 15000);
    if (!quiet_) QMessageBox::information(this, tr("DICOM transfer finished"), summary);
  });
  connect(grid_, &ComparisonGrid::badgeClicked, this,
          [this](const QString& id, const QString& property) { explainCertificate(id, property); });
  connect(grid_, &ComparisonGrid::cursorReadout, cursorLabel_, &QLabel::setText);
  grid_->coordinator().subscribe([this](int, int changes) {
    if (changes & viewer::ViewLinkCoordinator::RegionsChanged) rebuildRegionMenu();
  });
  restoreSettings();
  // The panels exist from the start, so their GL set-up happens when the window first shows.
  setPanels(true, {}, viewer::WindowLevel{});
  updateRunActions();
}

MainWindow::~MainWindow() { runner()->discard(); }

void MainWindow::connectRunner() {
  ReconstructionRunner* runner = session_->runner();
  const auto panelOf = [this](const QString& id) { return grid_->panel(id.toStdString()); };
  connect(runner, &ReconstructionRunner::methodQueued, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setQueued();
  });
  connect(runner, &ReconstructionRunner::methodStarted, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setRunning();
    runLabel_->setText(tr("Reconstructing with %1…").arg(panelTitle(id)));
  });
  connect(runner, &ReconstructionRunner::methodProgress, this,
          [=](const QString& id, double fraction, double eta, const QString& message) {
            if (auto* p = panelOf(id)) p->setProgress(fraction, eta, message);
          });
  connect(runner, &ReconstructionRunner::methodFinished, this, [=](const QString& id) {
    auto* p = panelOf(id);
    if (!p) return;
    const Certifier* c = runner->certifierFor(id.toStdString()).get();
    p->setResult(runner->results().at(id.toStdString()),
                 [c](const std::string& prop) {
                   return c ? propertyTitle(c->suite(), prop) : QString::fromStdString(prop);
                 },
                 tr("no certificates: %1").arg(certifierProblem()));
    grid_->refreshPanel(p);
  });
  connect(runner, &ReconstructionRunner::methodFinished, this, &MainWindow::updateRunActions);
  connect(runner, &ReconstructionRunner::methodCancelled, this, [=](const QString& id) {
    if (auto* p = panelOf(id)) p->setCancelled();
  });
  connect(runner, &ReconstructionRunner::methodFailed, this, [=](const QString& id, const QString& message) {
    if (auto* p = panelOf(id)) p->setFailed(message);
  });
  connect(runner, &ReconstructionRunner::runFinished, this, [this, runner] {
    updateRunActions();
    // What happened, not merely that it is over: finished, cancelled, or failed and why.
    const QString text = describeRunOutcome(runner->outcome(), [this](const QString& id) { return panelTitle(id); });
    runLabel_->setText(text.size() > 90 ? text.left(89) + QString::fromUtf8("…") : text);
    runLabel_->setToolTip(text);
    if (!runner->outcome().failed.empty()) statusBar()->showMessage(text, 15000);
    Q_EMIT runFinished();
  });
  for (auto signal : {&ReconstructionRunner::methodQueued, &ReconstructionRunner::methodStarted,
                      &ReconstructionRunner::methodFinished, &ReconstructionRunner::methodCancelled})
    connect(runner, signal, grid_, &ComparisonGrid::updateSummary);
  connect(runner, &ReconstructionRunner::methodFailed, grid_, &ComparisonGrid::updateSummary);
}

QString MainWindow::panelTitle(const QString& id) const {
  if (auto* p = grid_->panel(id.toStdString())) return p->title();
  return id;
}

void MainWindow::refreshMethods() {
  session_->loadUserModels();
  if (currentCase()) {
    runner()->discard();  // the panels are rebuilt: the old run's signals must not reach them
    return showCase();
  }
  setPanels(true, {}, viewer::WindowLevel{});
  updateRunActions();
}

void MainWindow::setPanels(bool withReference, const viewer::ImageBuffer& reference, const viewer::WindowLevel& window) {
  std::vector<PanelSpec> specs;
  if (withReference) specs.push_back({ComparisonGrid::kReferenceId, tr("Reference"), true, true, {}});
  // The registry's order is the comparison's: the papers' methods first, then the user's models.
  for (const MethodInfo& i : MethodRegistry::instance().methods(session_->environment()))
    specs.push_back({i.id, QString::fromStdString(i.displayName), false, i.available,
                     QString::fromStdString(i.unavailableReason)});
  const int n = session_->environment().geometry().imageSize;
  grid_->setPanels(specs, reference, n, n, window);
  // Badges arriving must not resize the views: each panel keeps room for the properties of the suite that
  // certifies it (a learned model's own adds its data-driven regulariser).
  for (MethodPanel* p : grid_->panels()) {
    if (p->state() == MethodPanel::State::Reference) continue;
    const std::shared_ptr<const Certifier> c = runner()->certifierFor(p->methodId());
    if (!c) continue;
    QStringList titles;
    for (const auto& property : c->suite().properties()) titles << QString::fromStdString(property->title());
    p->badges()->reserveFor(titles);
  }
}

void MainWindow::loadPresets() {
  try {
    presets_ = viewer::WindowLevelPresets::load(viewer::WindowLevelPresets::defaultPath(session_->environment().resourceDir));
  } catch (const std::exception& e) {
    presets_ = {};
    statusBar()->showMessage(tr("Window/level presets unavailable: %1").arg(e.what()));
  }
}

void MainWindow::openDemo() { openCase(kDemoOrigin); }

bool MainWindow::openCase(const QString& origin) {
  if (!session_->openCase(origin)) return false;
  statusBar()->showMessage(tr("Loading %1…").arg(origin));
  return true;
}

void MainWindow::startCase() {
  grid_->coordinator().clearRegions();  // the previous patient's regions mean nothing on this one
  showCase();
}

QString MainWindow::runStatus() const { return runLabel_->text(); }

void MainWindow::showCase() {
  const CaseData& c = *currentCase();
  const viewer::ImageBuffer reference = c.reference.defined() ? imageBufferFrom(c.reference) : viewer::ImageBuffer{};
  grid_->setHounsfield(c.huCalibrated);
  setPanels(!reference.empty(), reference, c.ownWindow.value_or(viewer::WindowLevel{}));
  grid_->setDifferenceMode(differenceAction_->isChecked() && !reference.empty());
  differenceAction_->setEnabled(!reference.empty());
  for (QAction* a : presetActions_)
    a->setEnabled(a->data().toString() == viewer::WindowLevelPresets::kFileId ? c.ownWindow.has_value() : c.huCalibrated);
  setWindowTitle(tr("%1 — TrustCT").arg(QString::fromStdString(c.title)));
  statusBar()->showMessage(QString::fromStdString(c.title + (c.note.empty() ? "" : " · " + c.note)), 8000);
  // The case opens in its initial window (its own, else the full range), whatever the previous case used:
  // the session's preset is per case.
  if (const std::string preset = session_->preset(); preset != viewer::WindowLevelPresets::kFileId) applyPreset(preset);
  Q_EMIT caseOpened();
  runAll();
}

void MainWindow::runAll() {
  session_->runAll();
  updateRunActions();
}

void MainWindow::cancelRun() {
  if (!isRunning()) return;
  session_->cancelRun();
  runLabel_->setText(tr("Cancelling…"));
}

bool MainWindow::exportCertifiedDicom(const QString& folder, bool anonymize) {
  return startTransfer(folder, std::nullopt, anonymize);
}

bool MainWindow::sendToPacs(const DicomNode& node) { return startTransfer({}, node); }

bool MainWindow::startTransfer(const QString& folder, std::optional<DicomNode> node, bool anonymize) {
  const int results = session_->startTransfer(folder, node, anonymize);
  if (results == 0) return false;
  // The worker's progress is queued to this thread, so the dialog created now sees all of it.
  transferProgress_ = new QProgressDialog(node ? tr("Exporting for %1…").arg(QString::fromStdString(node->describe()))
                                               : tr("Exporting certified DICOM…"),
                                          tr("Cancel"), 0, results + (node ? 1 : 0), this);  // + the association
  transferProgress_->setWindowTitle(node ? tr("Send to PACS") : tr("Export certified DICOM"));
  transferProgress_->setMinimumDuration(300);
  transferProgress_->setAutoClose(false);
  transferProgress_->setAutoReset(false);
  connect(transferProgress_, &QProgressDialog::canceled, dicomTransfer(), &DicomTransfer::cancel);
  updateRunActions();
  return true;
}

bool MainWindow::applyPreset(const std::string& id) {
  const std::optional<CaseData>& c = currentCase();
  if (!c) return false;
  if (id == viewer::WindowLevelPresets::kFileId) {
    if (!c->ownWindow) return false;
    grid_->coordinator().setWindowAll(*c->ownWindow);
  } else if (const viewer::WindowLevelPreset* p = presets_.find(id)) {
    // Presets are written in HU: on a phantom or a sinogram's image they would be numbers of no tissue.
    if (!c->huCalibrated) {
      statusBar()->showMessage(tr("The %1 preset is in HU; this image is not in Hounsfield units").arg(QString::fromStdString(p->name)), 5000);
      return false;
    }
    grid_->coordinator().setWindowAll(p->window());
  } else {
    return false;
  }
  session_->setPreset(id);
  return true;
}

void MainWindow::resetView() {
  auto& c = grid_->coordinator();
  for (int p = 0; p < c.panelCount(); ++p) c.resetView(p);
  session_->setPreset(viewer::WindowLevelPresets::kFileId);  // the initial window again, as the case opened
}

void MainWindow::setMouseScheme(viewer::MouseScheme scheme) {
  grid_->setMouseScheme(scheme);
  schemeActions_[int(scheme)]->setChecked(true);
}

viewer::MouseScheme MainWindow::mouseScheme() const { return grid_->mouseScheme(); }

bool MainWindow::exportComparison(const QString& path) {
  const std::optional<CaseData>& c = currentCase();
  if (!c) return false;
  try {
    const QString caption = tr("TrustCT %1 — %2 — %3 — %4")
                                .arg(QString::fromStdString(versionString()), QString::fromStdString(c->title),
                                     QString::fromStdString(session_->environment().geometry().describe()),
                                     QDateTime::currentDateTime().toString(Qt::ISODate));
    saveComparisonPng(renderComparison(*grid_, caption), path);
    session_->setLastFolder(QFileInfo(path).absolutePath());
    statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
    return true;
  } catch (const std::exception& e) {
    showError(tr("Export failed"), QString::fromStdString(e.what()));
    return false;
  }
}

QDialog* MainWindow::explainCertificate(const QString& methodId, const QString& property) {
  const MethodPanel* panel = grid_->panel(methodId.toStdString());
  const std::shared_ptr<const Certifier> certifier = runner()->certifierFor(methodId.toStdString());
  if (!panel || !panel->result() || !panel->result()->report || !certifier) return nullptr;
  return openCertificateExplanation(panel->title(), *panel->result()->report, certifier, property, this);
}

void MainWindow::showError(const QString& title, const QString& text) {
  statusBar()->showMessage(title + ": " + text, 10000);
  if (!quiet_) QMessageBox::warning(this, title, text);
}

void MainWindow::restoreSettings() {
  const WindowSettings s = session_->windowSettings();
  restoreGeometry(s.geometry);
  restoreState(s.state);
  for (int l = 0; l < viewer::kLinkCount; ++l) linkActions_[l]->setChecked(s.links[l]);
  differenceAction_->setChecked(s.difference);
  grid_->setColumns(s.columns);
  setMouseScheme(s.mouseScheme);
  rebuildRecentMenu();
}

void MainWindow::saveSettings() const {
  WindowSettings s{saveGeometry(), saveState(), {}, differenceAction_->isChecked(), grid_->columns(), mouseScheme()};
  for (int l = 0; l < viewer::kLinkCount; ++l) s.links[l] = linkActions_[l]->isChecked();
  session_->saveWindowSettings(s);
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
  runner()->discard();
  QMainWindow::closeEvent(e);
}

}  // namespace trustct::ui
