#pragma once
// The comparison grid: reference (when known) and one panel per method, all driven by one
// ViewLinkCoordinator so zoom, pan, window/level, cursor and zoom regions stay linked.
#include <QWidget>
#include <string>
#include <vector>

#include "ui/MethodPanel.h"
#include "viewer/ViewLinkCoordinator.h"

class QGridLayout;

namespace trustct::ui {

class ComparisonSummary;

struct PanelSpec {
  std::string id;            // method id, or "reference"
  QString title;
  bool reference = false;
  bool available = true;
  QString unavailableReason;
};

class ComparisonGrid : public QWidget {
  Q_OBJECT
 public:
  static constexpr const char* kReferenceId = "reference";

  explicit ComparisonGrid(QWidget* parent = nullptr);
  ~ComparisonGrid() override;
  viewer::ViewLinkCoordinator& coordinator() { return coordinator_; }
  const viewer::ViewLinkCoordinator& coordinator() const { return coordinator_; }

  // Replaces the panels; `reference` (may be empty) fills the reference panel.
  void setPanels(const std::vector<PanelSpec>& specs, const viewer::ImageBuffer& reference, int imageWidth,
                 int imageHeight, viewer::WindowLevel window);
  const std::vector<MethodPanel*>& panels() const { return panels_; }
  MethodPanel* panel(const std::string& id) const;
  const viewer::ImageBuffer& reference() const { return reference_; }
  int columns() const { return columns_; }
  void setColumns(int columns);

  void setDifferenceMode(bool on);
  bool differenceMode() const { return difference_; }
  void refreshPanel(MethodPanel* panel);  // after a result arrived: apply the difference mode
  void updateSummary();                    // after any panel changed state
  void setRegionTool(bool on);
  void setHounsfield(bool on);  // the case's images are in HU: read-outs and the colour bar in HU
  bool hounsfield() const { return hounsfield_; }
  void setMouseScheme(viewer::MouseScheme scheme);
  viewer::MouseScheme mouseScheme() const { return scheme_; }

 Q_SIGNALS:
  void badgeClicked(const QString& methodId, const QString& property);
  void cursorReadout(const QString& text);  // for the status bar; empty when the pointer left

 private:
  void relayout();
  void onCoordinatorChange(int panel, int changes);
  QString readout(const MethodPanel* panel, double x, double y) const;

  viewer::ViewLinkCoordinator coordinator_;
  int token_ = 0;
  QGridLayout* grid_;
  std::vector<MethodPanel*> panels_;
  ComparisonSummary* summary_;
  viewer::ImageBuffer reference_;
  int columns_ = 4;
  bool difference_ = false;
  bool regionTool_ = false;
  bool hounsfield_ = false;
  viewer::MouseScheme scheme_ = viewer::MouseScheme::ReadingRoom;
};

}  // namespace trustct::ui
