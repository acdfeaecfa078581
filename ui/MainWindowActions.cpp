// MainWindow's actions, menus and tool bar, and the menus rebuilt from the session (recent files) and the
// view-link coordinator (zoom regions); MainWindow.cpp connects the session and the grid.
#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>

#include "recon/core/Runtime.h"
#include "ui/ComparisonGrid.h"
#include "ui/DicomTransfer.h"
#include "ui/MainWindow.h"
#include "ui/PacsDialog.h"

namespace trustct::ui {

void MainWindow::buildActions() {
  QStyle* s = style();
  openAction_ = new QAction(s->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"), this);
  openAction_->setShortcut(QKeySequence::Open);
  connect(openAction_, &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open sinogram"), session_->lastFolder(),
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
    const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison"), session_->lastFolder() + "/comparison.png",
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
  resetViewAction_->setShortcuts({QKeySequence(Qt::Key_Home), QKeySequence(Qt::Key_Space)});
  resetViewAction_->setToolTip(tr("The case's initial view: zoom, pan and window/level (Home or Space)"));
  connect(resetViewAction_, &QAction::triggered, this, &MainWindow::resetView);
  auto* schemes = new QActionGroup(this);
  const QString schemeTexts[] = {tr("&Reading room: left window/level, middle pan, right zoom"),
                                 tr("&Classic TrustCT: left pan, right window/level")};
  for (viewer::MouseScheme scheme : {viewer::MouseScheme::ReadingRoom, viewer::MouseScheme::Classic}) {
    QAction* a = schemeActions_[int(scheme)] = new QAction(schemeTexts[int(scheme)], schemes);
    a->setCheckable(true);
    a->setData(QString::fromLatin1(viewer::schemeName(scheme)));
    connect(a, &QAction::triggered, this, [this, scheme] { setMouseScheme(scheme); });
  }
  schemeActions_[int(viewer::MouseScheme::ReadingRoom)]->setChecked(true);
  const QString linkTexts[] = {tr("Link &zoom"), tr("Link &pan"), tr("Link &window/level"), tr("Link c&ursor")};
  // The tool bar shows the short icon text, the menu the full text: a tool button showing its action's
  // text would switch to "Link window/level" as soon as the action changes (on every toggle).
  const QString shortTexts[] = {tr("zoom"), tr("pan"), tr("W/L"), tr("cursor")};
  for (int l = 0; l < viewer::kLinkCount; ++l) {
    linkActions_[l] = new QAction(linkTexts[l], this);
    linkActions_[l]->setIconText(shortTexts[l]);
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
  const auto openFile = [this](const QString& title, const char* type) {
    const QString path = QFileDialog::getOpenFileName(this, title, session_->lastFolder(),
                                                      QString::fromStdString(CaseOpeners::instance().dialogFilter(type)));
    if (!path.isEmpty()) openCase(path);
  };
  const auto chooseFolder = [this](const QString& title) {
    return QFileDialog::getExistingDirectory(this, title, session_->lastFolder());
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
  exportAnonymizedAction_ = new QAction(tr("Export &anonymised research DICOM…"), this);
  exportAnonymizedAction_->setToolTip(tr("As the certified export, with new patient and study identifiers and UIDs; the "
                                         "files name no source file, and this case leaves the recent files"));
  connect(exportAnonymizedAction_, &QAction::triggered, this, [=] {
    if (const QString dir = chooseFolder(tr("Export anonymised research DICOM into folder")); !dir.isEmpty())
      exportCertifiedDicom(dir, true);
  });
  sendPacsAction_ = new QAction(tr("Send to &PACS…"), this);
  connect(sendPacsAction_, &QAction::triggered, this, [this] {
    PacsDialog dialog(*dicomTransfer(), this);
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
  file->addAction(exportAnonymizedAction_);
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
  view->addSeparator();
  QMenu* mouse = view->addMenu(tr("&Mouse buttons"));
  for (QAction* a : schemeActions_) mouse->addAction(a);

  QMenu* recon = menuBar()->addMenu(tr("&Reconstruct"));
  recon->addAction(runAction_);
  recon->addAction(cancelAction_);

  toolsMenu_ = menuBar()->addMenu(tr("&Tools"));

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Mouse and keyboard"), this,
                  [this] { QMessageBox::information(this, tr("Mouse and keyboard"), mouseAndKeyboardHelp()); });
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
  for (int l = 0; l < viewer::kLinkCount; ++l) {
    auto* b = new QToolButton(this);
    b->setObjectName(QString("linkButton:") + viewer::linkName(static_cast<viewer::Link>(l)));
    b->setDefaultAction(linkActions_[l]);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addWidget(b);
  }
  rebuildRegionMenu();
}

QString MainWindow::mouseAndKeyboardHelp() const {
  const bool readingRoom = mouseScheme() == viewer::MouseScheme::ReadingRoom;
  QString html = tr("<p>Mouse buttons: <b>%1</b> (View ▸ Mouse buttons)</p>")
                     .arg(readingRoom ? tr("reading room") : tr("classic TrustCT"));
  for (const auto& [gesture, what] : viewer::bindingRows(mouseScheme()))
    html += QString("<b>%1</b>: %2<br>").arg(QString::fromStdString(gesture).toHtmlEscaped(),
                                            QString::fromStdString(what).toHtmlEscaped());
  return html + tr("<b>Ctrl+0 … Ctrl+6</b>: window/level presets of this case (HU presets on HU images only)<br>"
                   "<b>D</b>: difference to the reference, with its colour bar<br><b>R</b>: zoom region tool · "
                   "<b>Shift+Del</b>: clear zoom regions<br><b>Ctrl+R</b>: reconstruct all · <b>Esc</b>: cancel<br>"
                   "Click a certificate badge for its explanation.");
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

void MainWindow::updateRunActions() {
  const bool open = currentCase().has_value(), idle = !dicomTransfer()->isBusy();
  const bool certified = !session_->certifiedResults().empty();
  runAction_->setEnabled(open);
  cancelAction_->setEnabled(isRunning());
  exportAction_->setEnabled(open);
  exportDicomAction_->setEnabled(certified && idle);
  exportAnonymizedAction_->setEnabled(certified && idle);
  sendPacsAction_->setEnabled(certified && idle);
}

}  // namespace trustct::ui
