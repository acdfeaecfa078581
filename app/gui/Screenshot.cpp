#include "Screenshot.h"

#include <QApplication>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>

#include "ui/ComparisonGrid.h"
#include "ui/MainWindow.h"

namespace trustct::app {

int takeScreenshot(QApplication& app, ui::MainWindow& window, const QString& origin, const QString& out) {
  int code = 1;
  QObject::connect(&window, &ui::MainWindow::runFinished, &window, [&] {
    window.grid()->coordinator().addRegion({80, 66}, {112, 98});
    // Let the views repaint with the region and insets before grabbing.
    QTimer::singleShot(800, &window, [&] {
      const QImage image = window.grab().toImage();
      QSaveFile file(out);
      if (image.isNull() || !file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
        std::fprintf(stderr, "trustct: %s: cannot write the screenshot\n", qPrintable(out));
      } else {
        std::printf("screenshot %dx%d written to %s\n", image.width(), image.height(), qPrintable(out));
        code = 0;
      }
      app.quit();
    });
  });
  QTimer::singleShot(0, &window, [&] {
    if (!window.openCase(origin)) app.quit();
  });
  QTimer::singleShot(10 * 60 * 1000, &app, [&] {
    std::fprintf(stderr, "trustct: the reconstruction for the screenshot did not finish within 10 minutes\n");
    app.quit();
  });
  app.exec();
  return code;
}

}  // namespace trustct::app
