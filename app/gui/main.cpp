// trustct: the desktop application. `trustct [FILE]` opens FILE (a DICOM CT file or series folder, a
// sinogram file, or demo:shepp-logan / demo:ellipses:SEED); without one it opens the demo case of
// `trustct-cli demo` (Ellipses, seed 7). `--screenshot OUT.png` reconstructs,
// adds a zoom region, saves a picture of the whole window and exits (docs/screenshot-main.png);
// `--wizard-screenshots DIR` runs the training wizard on a tiny set and saves DIR/page-1.png … page-6.png;
// `--plot-validity JSON OUT.png` draws the ROC curves of `trustct-cli validate-certificates`.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <cstdio>

#include "Screenshot.h"
#include "ValidityPlot.h"
#include "WizardScreenshots.h"
#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"
#include "recon/geometry/Geometry.h"
#include "recon/io/SinogramFormats.h"
#include "recon/learned/models/LearnedMethods.h"
#include "ui/MainWindow.h"
#include "ui/Theme.h"
#include "ui/wizard/TrainingWizard.h"
#include "viewer/VtkImageView.h"

int main(int argc, char** argv) {
  // VTK renders through OpenGL 3.2 core into QOpenGLWidget: the format must be set before QApplication.
  trustct::viewer::VtkImageView::installDefaultSurfaceFormat();

  QApplication app(argc, argv);
  QApplication::setOrganizationName("TrustCT");
  QApplication::setApplicationName("trustct");
  QApplication::setApplicationVersion(QString::fromStdString(trustct::versionString()));
  trustct::ui::applyTheme(app);

  QCommandLineParser parser;
  parser.setApplicationDescription("TrustCT: sparse-angle CT reconstruction with trustworthiness certificates");
  parser.addHelpOption();
  parser.addVersionOption();
  const std::string sinograms = trustct::joinExtensions(trustct::SinogramFormats::instance().extensions(), "", ", ");
  parser.addPositionalArgument("file", QString::fromStdString("DICOM CT file or series folder, sinogram (" + sinograms +
                                                               "), or demo:ellipses:SEED / demo:shepp-logan "
                                                               "(default: demo:ellipses:7)"));
  const QCommandLineOption screenshot("screenshot", "reconstruct, add a zoom region, save the window as PNG and exit",
                                      "OUT.png");
  const QCommandLineOption size("size", "window size for --screenshot", "WxH", "1760x1060");
  const QCommandLineOption threads("threads", "LibTorch threads (0 = all cores but one, kept for the interface)", "N", "0");
  const QCommandLineOption device("device", "cpu, cuda or cuda:N", "DEVICE", "cpu");
  const QCommandLineOption wizardScreenshots("wizard-screenshots",
                                             "run the training wizard on a tiny set, save DIR/page-N.png and exit", "DIR");
  const QCommandLineOption plot("plot-validity", "draw the ROC curves of a validate-certificates JSON into OUT.png and exit",
                                "JSON");
  parser.addOptions({screenshot, wizardScreenshots, plot, size, threads, device});
  parser.process(app);
  if (parser.isSet(plot)) {
    if (parser.positionalArguments().size() != 1) {
      std::fprintf(stderr, "trustct: --plot-validity JSON needs the output file: trustct --plot-validity JSON OUT.png\n");
      return 2;
    }
    return trustct::app::plotValidity(parser.value(plot), parser.positionalArguments().front());
  }

  std::unique_ptr<trustct::ui::MainWindow> window;
  try {
    const int n = parser.value(threads).toInt();
    trustct::configureRuntime(n > 0 ? n : trustct::interactiveThreadCount());
    trustct::registerLearnedMethods();
    window = std::make_unique<trustct::ui::MainWindow>(trustct::ReconstructionEnvironment::make(
        trustct::Geometry::paperDefault(), trustct::parseDevice(parser.value(device).toStdString()),
        trustct::resourceDir()));
  } catch (const trustct::UsageError& e) {
    std::fprintf(stderr, "trustct: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trustct: %s\n", e.what());
    return 3;
  }
  const QString file = parser.positionalArguments().value(0, trustct::ui::MainWindow::kDemoOrigin);
  trustct::ui::installTrainingWizard(*window);

  if (parser.isSet(wizardScreenshots)) {
    window->setQuiet(true);
    return trustct::app::takeWizardScreenshots(*window, parser.value(wizardScreenshots));
  }

  if (parser.isSet(screenshot)) {
    const QStringList wh = parser.value(size).split('x');
    window->setQuiet(true);
    window->resize(wh.value(0).toInt(), wh.value(1).toInt());
    window->show();
    return trustct::app::takeScreenshot(app, *window, file, parser.value(screenshot));
  }
  window->show();
  QTimer::singleShot(0, window.get(), [&] { window->openCase(file); });
  return app.exec();
}
