#include "viewer/ViewLinkCoordinator.h"

#include <algorithm>
#include <stdexcept>

namespace trustct::viewer {

const char* linkName(Link l) {
  switch (l) {
    case Link::Zoom: return "zoom";
    case Link::Pan: return "pan";
    case Link::WindowLevel: return "window_level";
    case Link::Cursor: return "cursor";
  }
  return "?";
}

void ViewLinkCoordinator::setPanels(int count, int imageWidth, int imageHeight, WindowLevel window) {
  if (imageWidth != imageW_ || imageHeight != imageH_) regions_.clear();
  imageW_ = imageWidth;
  imageH_ = imageHeight;
  initialWindow_ = window;
  panels_.assign(std::max(count, 0), PanelView{1, {imageWidth / 2.0, imageHeight / 2.0}, window, std::nullopt});
  notify(-1, ViewChanged | WindowChanged | CursorChanged | RegionsChanged);
}

void ViewLinkCoordinator::setLinked(Link link, bool on) {
  links_[static_cast<int>(link)] = on;
}

std::vector<int> ViewLinkCoordinator::targets(int panel, Link link) const {
  if (panel < 0 || panel >= panelCount()) throw std::out_of_range("no panel " + std::to_string(panel));
  if (!linked(link)) return {panel};
  std::vector<int> all(panels_.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  return all;
}

void ViewLinkCoordinator::setZoom(int panel, double zoom) {
  zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
  for (int p : targets(panel, Link::Zoom)) {
    panels_[p].zoom = zoom;
    notify(p, ViewChanged);
  }
}

void ViewLinkCoordinator::zoomAbout(int panel, double factor, PointF anchor) {
  const PanelView& v = panels_.at(panel);
  const double zoom = std::clamp(v.zoom * factor, kMinZoom, kMaxZoom);
  const double k = v.zoom / zoom;  // the anchor keeps its offset from the centre in view units
  const PointF center{anchor.x - (anchor.x - v.center.x) * k, anchor.y - (anchor.y - v.center.y) * k};
  setZoom(panel, zoom);
  setCenter(panel, center);
}

void ViewLinkCoordinator::setCenter(int panel, PointF center) {
  center.x = std::clamp(center.x, 0.0, double(imageW_));
  center.y = std::clamp(center.y, 0.0, double(imageH_));
  for (int p : targets(panel, Link::Pan)) {
    panels_[p].center = center;
    notify(p, ViewChanged);
  }
}

void ViewLinkCoordinator::panBy(int panel, double dx, double dy) {
  const PointF c = panels_.at(panel).center;
  setCenter(panel, {c.x + dx, c.y + dy});
}

void ViewLinkCoordinator::resetView(int panel) {
  setZoom(panel, 1);
  setCenter(panel, {imageW_ / 2.0, imageH_ / 2.0});
  setWindow(panel, initialWindow_);
}

void ViewLinkCoordinator::setWindow(int panel, WindowLevel window) {
  window.width = std::max(window.width, 1e-6);
  for (int p : targets(panel, Link::WindowLevel)) {
    panels_[p].window = window;
    notify(p, WindowChanged);
  }
}

void ViewLinkCoordinator::setWindowAll(WindowLevel window) {
  window.width = std::max(window.width, 1e-6);
  for (size_t p = 0; p < panels_.size(); ++p) {
    panels_[p].window = window;
    notify(static_cast<int>(p), WindowChanged);
  }
}

void ViewLinkCoordinator::setCursor(int panel, std::optional<PointF> cursor) {
  for (size_t p = 0; p < panels_.size(); ++p) {
    const bool reached = static_cast<int>(p) == panel || linked(Link::Cursor);
    std::optional<PointF> value = reached ? cursor : std::nullopt;
    if (!value && !panels_[p].cursor) continue;
    panels_[p].cursor = value;
    notify(static_cast<int>(p), CursorChanged);
  }
}

int ViewLinkCoordinator::addRegion(PointF a, PointF b) {
  ZoomRegion r{0, std::clamp(std::min(a.x, b.x), 0.0, double(imageW_)), std::clamp(std::min(a.y, b.y), 0.0, double(imageH_)),
               std::clamp(std::max(a.x, b.x), 0.0, double(imageW_)), std::clamp(std::max(a.y, b.y), 0.0, double(imageH_))};
  if (r.width() < 1 || r.height() < 1) return 0;
  if (static_cast<int>(regions_.size()) >= kMaxRegions) regions_.erase(regions_.begin());
  r.id = nextRegionId_++;
  regions_.push_back(r);
  notify(-1, RegionsChanged);
  return r.id;
}

bool ViewLinkCoordinator::removeRegion(int id) {
  const auto it = std::find_if(regions_.begin(), regions_.end(), [&](const ZoomRegion& r) { return r.id == id; });
  if (it == regions_.end()) return false;
  regions_.erase(it);
  notify(-1, RegionsChanged);
  return true;
}

void ViewLinkCoordinator::clearRegions() {
  if (regions_.empty()) return;
  regions_.clear();
  notify(-1, RegionsChanged);
}

int ViewLinkCoordinator::subscribe(Listener listener) {
  listeners_.emplace_back(nextToken_, std::move(listener));
  return nextToken_++;
}

void ViewLinkCoordinator::unsubscribe(int token) {
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(), [&](auto& l) { return l.first == token; }),
                   listeners_.end());
}

void ViewLinkCoordinator::notify(int panel, int changes) {
  const auto copy = listeners_;  // a listener may unsubscribe while being called
  for (const auto& l : copy) l.second(panel, changes);
}

}  // namespace trustct::viewer
