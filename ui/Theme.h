#pragma once
// The application's look: Fusion with a dark palette (images read best on a dark surround, as on a
// reading-room monitor). Shared by the application and the GUI tests so both see the same widgets.
class QApplication;

namespace trustct::ui {
void applyTheme(QApplication& app);
}
