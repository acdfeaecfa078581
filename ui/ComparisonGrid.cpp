#include "ui/ComparisonGrid.h"

#include <QGridLayout>
#include <cmath>

#include "ui/ComparisonSummary.h"

namespace trustct::ui {

ComparisonGrid::ComparisonGrid(QWidget* parent)
    : QWidget(parent), grid_(new QGridLayout(this)), summary_(new ComparisonSummary(this)) {
  grid_->setContentsMargins(6, 6, 6, 6);
  grid_->setSpacing(6);
  token_ = coordinator_.subscribe([this](int p, int changes) { onCoordinatorChange(p, changes); });
}

ComparisonGrid::~ComparisonGrid() {
  coordinator_.unsubscribe(token_);
  for (MethodPanel* p : panels_) delete p;  // views unsubscribe from the coordinator before it goes
  panels_.clear();
}

void ComparisonGrid::setPanels(const std::vector<PanelSpec>& specs, const viewer::ImageBuffer& reference,
                               int imageWidth, int imageHeight, viewer::WindowLevel window) {
  // The same methods as before: keep the widgets (their GL contexts and VTK pipelines are costly to
  // make, and recreating them would stall the event loop just as a reconstruction starts).
  bool same = specs.size() == panels_.size();
  for (size_t i = 0; same && i < specs.size(); ++i) same = panels_[i]->methodId() == specs[i].id;
  if (!same) {
    for (MethodPanel* p : panels_) delete p;
    panels_.clear();
  }
  reference_ = reference;
  coordinator_.setPanels(int(specs.size()), imageWidth, imageHeight, window);
  for (size_t i = 0; i < specs.size(); ++i) {
    const PanelSpec& s = specs[i];
    if (!same) {
      auto* panel = new MethodPanel(s.id, s.title, coordinator_, int(i), this);
      panel->view()->setRegionTool(regionTool_);
      panel->view()->setMouseScheme(scheme_);
      connect(panel, &MethodPanel::badgeClicked, this, &ComparisonGrid::badgeClicked);
      connect(panel->view(), &viewer::VtkImageView::cursorMoved, this,
              [this, panel](int, double x, double y) { Q_EMIT cursorReadout(readout(panel, x, y)); });
      connect(panel->view(), &viewer::VtkImageView::cursorLeft, this, [this] { Q_EMIT cursorReadout({}); });
      panels_.push_back(panel);
    }
    MethodPanel* panel = panels_[i];
    panel->view()->setHounsfield(hounsfield_);
    if (s.reference) panel->showReference(reference);
    else if (!s.available) panel->setUnavailable(s.unavailableReason);
    else panel->setIdle();
  }
  if (!same) relayout();
  updateSummary();
}

MethodPanel* ComparisonGrid::panel(const std::string& id) const {
  for (MethodPanel* p : panels_)
    if (p->methodId() == id) return p;
  return nullptr;
}

void ComparisonGrid::setColumns(int columns) {
  columns_ = std::max(1, columns);
  relayout();
}

void ComparisonGrid::relayout() {
  for (int r = 0; r < grid_->rowCount(); ++r) grid_->setRowStretch(r, 0);
  for (int c = 0; c < grid_->columnCount(); ++c) grid_->setColumnStretch(c, 0);
  for (size_t i = 0; i < panels_.size(); ++i) grid_->addWidget(panels_[i], int(i) / columns_, int(i) % columns_);
  // The summary takes the cells left in the last row (or a row of its own when there are none).
  const size_t n = panels_.size();
  const int used = int(n % columns_);
  grid_->addWidget(summary_, int(n) / columns_, used, 1, used == 0 ? columns_ : columns_ - used);
  summary_->setVisible(!panels_.empty());
  const int rows = int(std::ceil(double(n + 1) / columns_));
  for (int r = 0; r < rows; ++r) grid_->setRowStretch(r, 1);
  for (int c = 0; c < columns_; ++c) grid_->setColumnStretch(c, 1);
}

void ComparisonGrid::updateSummary() { summary_->update(panels_); }

void ComparisonGrid::setDifferenceMode(bool on) {
  difference_ = on;
  for (MethodPanel* p : panels_) refreshPanel(p);
}

void ComparisonGrid::refreshPanel(MethodPanel* panel) {
  if (panel->state() != MethodPanel::State::Finished) return;
  panel->setDifference(difference_ && !reference_.empty() ? &reference_ : nullptr);
}

void ComparisonGrid::setRegionTool(bool on) {
  regionTool_ = on;
  for (MethodPanel* p : panels_) p->view()->setRegionTool(on);
}

void ComparisonGrid::setHounsfield(bool on) {
  hounsfield_ = on;
  for (MethodPanel* p : panels_) p->view()->setHounsfield(on);
}

void ComparisonGrid::setMouseScheme(viewer::MouseScheme scheme) {
  scheme_ = scheme;
  for (MethodPanel* p : panels_) p->view()->setMouseScheme(scheme);
}

QString ComparisonGrid::readout(const MethodPanel* panel, double x, double y) const {
  const QString value = pixelReadout(*panel->view(), {x, y}, hounsfield_);
  return value.isEmpty() ? value : panel->title() + "  " + value;
}

void ComparisonGrid::onCoordinatorChange(int p, int changes) {
  if (!(changes & viewer::ViewLinkCoordinator::CursorChanged)) return;
  for (size_t i = 0; i < panels_.size(); ++i) {
    if (p >= 0 && int(i) != p) continue;
    if (int(i) >= coordinator_.panelCount()) continue;
    panels_[i]->showCursorValue(coordinator_.panel(int(i)).cursor, hounsfield_);
  }
}

}  // namespace trustct::ui
