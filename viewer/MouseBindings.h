#pragma once
// Which mouse gesture does what in an image panel, as a table the views and the Help text both read, so
// the two can never disagree. Two schemes:
//   reading room (default): left drag window/level, middle drag pan, right drag zoom — the convention of
//     Weasis, OHIF, RadiAnt and VTK's vtkInteractorStyleImage, which a radiologist's hands already know;
//   classic: TrustCT's earlier left drag pan, right drag window/level (selectable for existing users).
// In both, Ctrl + left drag draws a zoom region (as does any left drag with the region tool on), the wheel
// zooms about the pointer and a double click restores the initial view. No toolkit types.
#include <string>
#include <utility>
#include <vector>

#include "viewer/Intensity.h"

namespace trustct::viewer {

enum class MouseScheme { ReadingRoom, Classic };
enum class MouseButton { Left, Middle, Right, Other };
enum class DragAction { None, WindowLevel, Pan, Zoom, Region };

const char* schemeName(MouseScheme s);                                  // "reading_room", "classic" (settings)
MouseScheme parseScheme(const std::string& name);                       // unknown: the reading-room default
DragAction dragActionFor(MouseScheme s, MouseButton b, bool control, bool regionTool);
// (gesture, what it does) rows for Help, in the order a user looks for them.
std::vector<std::pair<std::string, std::string>> bindingRows(MouseScheme s);

// The gestures' arithmetic, in view pixels moved since the press.
// Window/level: horizontal widens (multiplicative, so it feels the same at any width), up raises the level.
WindowLevel dragWindow(const WindowLevel& atPress, double dx, double dy);
// Zoom: dragging up magnifies, 1 % per pixel compounded (VTK's dolly feel); down shrinks.
double dragZoomFactor(double dy);

}  // namespace trustct::viewer
