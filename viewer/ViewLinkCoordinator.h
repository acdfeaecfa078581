#pragma once
// The view-model behind the comparison grid (after ITK-SNAP's coordinator): it owns every panel's zoom,
// pan centre, window/level and cursor, and the shared zoom regions. A change made on one panel is
// copied to the others for each link that is on (zoom, pan, window/level, cursor — each switchable).
// Views only render what this says. No toolkit types: testable without a display.
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "viewer/Intensity.h"
#include "viewer/ViewTransform.h"

namespace trustct::viewer {

enum class Link { Zoom = 0, Pan = 1, WindowLevel = 2, Cursor = 3 };
constexpr int kLinkCount = 4;
const char* linkName(Link l);  // zoom, pan, window_level, cursor (settings keys)

struct PanelView {
  double zoom = 1;
  PointF center;                 // image point at the view centre
  WindowLevel window;
  std::optional<PointF> cursor;  // image coordinates; empty when the pointer is elsewhere
};

// A zoom region: an image rectangle every panel outlines and shows magnified in an inset.
struct ZoomRegion {
  int id = 0;
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // normalised so x0 < x1, y0 < y1
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
};

class ViewLinkCoordinator {
 public:
  enum Change { ViewChanged = 1, WindowChanged = 2, CursorChanged = 4, RegionsChanged = 8 };
  // panel < 0: affects every panel (regions, panel list).
  using Listener = std::function<void(int panel, int changes)>;

  static constexpr double kMinZoom = 0.25, kMaxZoom = 64;
  static constexpr int kMaxRegions = 3;

  // Panels show images of one size; resetting the panels keeps links and regions only if the size matches.
  // `window` is the case's initial window, which resetView() restores.
  void setPanels(int count, int imageWidth, int imageHeight, WindowLevel window);
  WindowLevel initialWindow() const { return initialWindow_; }
  int panelCount() const { return static_cast<int>(panels_.size()); }
  const PanelView& panel(int p) const { return panels_.at(p); }
  int imageWidth() const { return imageW_; }
  int imageHeight() const { return imageH_; }

  void setLinked(Link link, bool on);
  bool linked(Link link) const { return links_[static_cast<int>(link)]; }

  void setZoom(int panel, double zoom);
  // Zooms by `factor` keeping image point `anchor` at the same view position (mouse-wheel zoom).
  void zoomAbout(int panel, double factor, PointF anchor);
  void setCenter(int panel, PointF center);
  void panBy(int panel, double dx, double dy);  // in image units
  // The case's initial view: zoom 1, image centred and the initial window (each through its link), so
  // a reset also undoes a window dragged or a preset chosen, as Home does in every reading viewer.
  void resetView(int panel);
  void setWindow(int panel, WindowLevel window);
  void setWindowAll(WindowLevel window);        // presets: every panel, whatever the link
  void setCursor(int panel, std::optional<PointF> cursor);

  // Returns the new region's id; at most kMaxRegions (the oldest is replaced). Degenerate rectangles
  // (under one pixel on a side) and rectangles outside the image are refused: returns 0.
  int addRegion(PointF a, PointF b);
  bool removeRegion(int id);
  void clearRegions();
  const std::vector<ZoomRegion>& regions() const { return regions_; }

  int subscribe(Listener listener);
  void unsubscribe(int token);

 private:
  // Panels that a change on `panel` reaches under `link`.
  std::vector<int> targets(int panel, Link link) const;
  void notify(int panel, int changes);

  std::vector<PanelView> panels_;
  int imageW_ = 0, imageH_ = 0;
  WindowLevel initialWindow_;
  bool links_[kLinkCount] = {true, true, true, true};
  std::vector<ZoomRegion> regions_;
  int nextRegionId_ = 1;
  std::vector<std::pair<int, Listener>> listeners_;
  int nextToken_ = 1;
};

}  // namespace trustct::viewer
