#include "viewer/MouseBindings.h"

#include <cmath>

namespace trustct::viewer {

const char* schemeName(MouseScheme s) { return s == MouseScheme::Classic ? "classic" : "reading_room"; }

MouseScheme parseScheme(const std::string& name) {
  return name == "classic" ? MouseScheme::Classic : MouseScheme::ReadingRoom;
}

DragAction dragActionFor(MouseScheme s, MouseButton b, bool control, bool regionTool) {
  if (b == MouseButton::Left && (control || regionTool)) return DragAction::Region;
  switch (b) {
    case MouseButton::Left: return s == MouseScheme::ReadingRoom ? DragAction::WindowLevel : DragAction::Pan;
    case MouseButton::Middle: return DragAction::Pan;
    case MouseButton::Right: return s == MouseScheme::ReadingRoom ? DragAction::Zoom : DragAction::WindowLevel;
    case MouseButton::Other: return DragAction::None;
  }
  return DragAction::None;
}

std::vector<std::pair<std::string, std::string>> bindingRows(MouseScheme s) {
  const auto what = [](DragAction a) -> std::string {
    switch (a) {
      case DragAction::WindowLevel: return "window (horizontal) and level (vertical)";
      case DragAction::Pan: return "pan";
      case DragAction::Zoom: return "zoom (up magnifies)";
      case DragAction::Region: return "add a zoom region, shown magnified in every panel";
      case DragAction::None: return "nothing";
    }
    return {};
  };
  return {{"Left drag", what(dragActionFor(s, MouseButton::Left, false, false))},
          {"Middle drag", what(dragActionFor(s, MouseButton::Middle, false, false))},
          {"Right drag", what(dragActionFor(s, MouseButton::Right, false, false))},
          {"Wheel", "zoom about the pointer"},
          {"Ctrl + left drag, or the region tool (R)", what(DragAction::Region)},
          {"Double click, Home or Space", "the case's initial view: zoom, pan and window/level"}};
}

WindowLevel dragWindow(const WindowLevel& atPress, double dx, double dy) {
  WindowLevel w = atPress;
  w.width = atPress.width * std::exp(dx * 0.01);
  w.center = atPress.center - dy * atPress.width * 0.005;
  return w;
}

double dragZoomFactor(double dy) { return std::exp(-dy * 0.01); }

}  // namespace trustct::viewer
