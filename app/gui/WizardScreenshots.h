#pragma once
// `trustct --wizard-screenshots DIR`: the pictures of docs/wizard/, taken by driving the training wizard
// through a tiny Scale_L2O training (16 Ellipses, a 4-trial step search, 3 epochs, 20 calibration samples).
#include <QString>

namespace trustct::ui {
class MainWindow;
}

namespace trustct::app {

// Opens the wizard from `window`'s Tools menu, runs every page and saves DIR/page-1.png … page-6.png
// (atomically); publishes the model into the user's model folder. Returns the process exit code.
int takeWizardScreenshots(ui::MainWindow& window, const QString& dir);

}  // namespace trustct::app
