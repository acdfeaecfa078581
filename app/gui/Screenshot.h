#pragma once
// `trustct --screenshot OUT.png`: the picture in the README, taken the way a user would see it.
#include <QString>

class QApplication;

namespace trustct::ui {
class MainWindow;
}

namespace trustct::app {

// Opens `origin`, reconstructs with every available method, adds a zoom region over the brightest
// overlap of the demo phantom (lower right), grabs the window into `out` (atomically).
// Returns the process exit code: 0 on success.
int takeScreenshot(QApplication& app, ui::MainWindow& window, const QString& origin, const QString& out);

}  // namespace trustct::app
