// ComparisonSession without a display: a QCoreApplication, no widget. Settings and the user's models live in
// a temporary XDG home set before the application starts, so every test begins with none.
#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "recon/core/Runtime.h"
#include "recon/learned/models/LearnedMethods.h"
#include "ui/ReconstructionRunner.h"
#include "ui/session/ComparisonSession.h"
#include "viewer/WindowLevelPresets.h"

using namespace trustct;
using trustct::ui::ComparisonSession;

namespace {
const QString kData = TRUSTCT_TEST_DATA;
const QString kCtSmall = kData + "/dicom/CT_small.dcm";
const QString kSeries = kData + "/dicom/series_ct2";
constexpr int kTimeoutMs = 300000;

ReconstructionEnvironment environment() {
  return ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, resourceDir());
}

// Opens through the session and waits for caseLoaded (true) or caseFailed (false).
bool open(ComparisonSession& s, const QString& origin) {
  QSignalSpy loaded(&s, &ComparisonSession::caseLoaded), failed(&s, &ComparisonSession::caseFailed);
  if (!s.openCase(origin)) return false;
  QTest::qWaitFor([&] { return loaded.count() + failed.count() > 0; }, kTimeoutMs);
  return loaded.count() == 1;
}
}  // namespace

TEST(ComparisonSession, DemoCaseRunsToCertifiedResult) {
  ComparisonSession s(environment());
  ASSERT_TRUE(open(s, ComparisonSession::kDemoOrigin));
  EXPECT_EQ(s.currentCase()->origin, ComparisonSession::kDemoOrigin);
  EXPECT_TRUE(s.currentCase()->reference.defined());
  EXPECT_TRUE(s.recentFiles().isEmpty());  // demo cases are not remembered

  QSignalSpy errors(&s, &ComparisonSession::error);
  EXPECT_EQ(s.startTransfer(QDir::tempPath(), std::nullopt), 0);  // nothing has run yet
  ASSERT_EQ(errors.count(), 1);
  EXPECT_EQ(errors[0][0].toString(), "Nothing to export");

  if (!s.certifier()) GTEST_SKIP() << "no default calibration: " << s.certifierProblem().toStdString();
  QSignalSpy finished(s.runner(), &ui::ReconstructionRunner::runFinished);
  s.runner()->start(*s.currentCase(), {"fbp"});
  EXPECT_TRUE(s.isRunning());
  ASSERT_TRUE(finished.wait(kTimeoutMs));
  EXPECT_FALSE(s.isRunning());
  const std::vector<CertifiedResult> results = s.certifiedResults();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].algorithm.id, "fbp");
  ASSERT_TRUE(results[0].report.has_value());
  EXPECT_FALSE(results[0].report->certificates.empty());
  EXPECT_TRUE(results[0].psnr.has_value());  // the demo case has its phantom as reference
}

TEST(ComparisonSession, RecentFilesKeepTheLatestFirstAndNoFailures) {
  {
    ComparisonSession s(environment());
    QSignalSpy changed(&s, &ComparisonSession::recentFilesChanged);
    ASSERT_TRUE(open(s, kCtSmall));
    ASSERT_TRUE(open(s, kSeries));
    ASSERT_TRUE(open(s, kCtSmall));
    EXPECT_EQ(changed.count(), 3);
    EXPECT_EQ(s.recentFiles(), QStringList({kCtSmall, kSeries}));
    EXPECT_EQ(s.lastFolder(), kData + "/dicom");

    QSignalSpy failed(&s, &ComparisonSession::caseFailed), errors(&s, &ComparisonSession::error);
    EXPECT_FALSE(open(s, kData + "/malformed/missing_pixel_data.dcm"));
    EXPECT_EQ(failed.count(), 1);
    EXPECT_EQ(errors.count(), 1);
    EXPECT_EQ(QString::fromStdString(s.currentCase()->origin), kCtSmall);  // the previous case stays
    EXPECT_FALSE(s.openCase("demo:no-such-phantom"));
    EXPECT_EQ(failed.count(), 2);
  }
  ComparisonSession again(environment());  // from the settings
  EXPECT_EQ(again.recentFiles(), QStringList({kCtSmall, kSeries}));
  EXPECT_FALSE(again.currentCase().has_value());
}

TEST(ComparisonSession, EachMethodHasItsCertifier) {
  // A user model whose calibration is missing: listed, without certificates, and the reason is reported.
  const QString folder = ComparisonSession::userModelsFolder() + "/toy";
  ASSERT_TRUE(QDir().mkpath(folder));
  QFile card(folder + "/model.json");
  ASSERT_TRUE(card.open(QIODevice::WriteOnly));
  card.write("{}");
  card.close();

  ComparisonSession s(environment());
  QSignalSpy messages(&s, &ComparisonSession::message);
  s.loadUserModels();
  ASSERT_EQ(messages.count(), 1);
  EXPECT_TRUE(messages[0][0].toString().startsWith("user:toy: no certificates"));
  EXPECT_EQ(s.runner()->certifierFor("user:toy"), nullptr);
  EXPECT_EQ(s.runner()->certifierFor("fbp").get(), s.certifier());  // the default calibration
  EXPECT_EQ(s.certifier() == nullptr, !s.certifierProblem().isEmpty());
}

TEST(ComparisonSession, WindowSettingsRoundTrip) {
  ComparisonSession s(environment());
  const ui::WindowSettings defaults = s.windowSettings();
  for (bool linked : defaults.links) EXPECT_TRUE(linked);
  EXPECT_FALSE(defaults.difference);
  EXPECT_EQ(defaults.columns, 4);
  EXPECT_EQ(defaults.mouseScheme, viewer::MouseScheme::ReadingRoom);  // left drag window/level, as Weasis/OHIF
  EXPECT_EQ(s.preset(), viewer::WindowLevelPresets::kFileId);

  ui::WindowSettings changed = defaults;
  changed.geometry = "geometry";
  changed.links[int(viewer::Link::Pan)] = false;
  changed.difference = true;
  changed.columns = 3;
  changed.mouseScheme = viewer::MouseScheme::Classic;
  s.saveWindowSettings(changed);
  s.setPreset("lung");
  EXPECT_EQ(s.preset(), "lung");
  ComparisonSession again(environment());
  const ui::WindowSettings back = again.windowSettings();
  EXPECT_EQ(back.geometry, changed.geometry);
  EXPECT_EQ(back.links, changed.links);
  EXPECT_TRUE(back.difference);
  EXPECT_EQ(back.columns, 3);
  EXPECT_EQ(back.mouseScheme, viewer::MouseScheme::Classic);
  // A preset belongs to the case it was chosen on: never to the next session.
  EXPECT_EQ(again.preset(), viewer::WindowLevelPresets::kFileId);
}

int main(int argc, char** argv) {
  QTemporaryDir home;  // before QCoreApplication: QStandardPaths and QSettings read XDG_* once
  qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toUtf8());
  qputenv("XDG_DATA_HOME", (home.path() + "/data").toUtf8());
  QCoreApplication app(argc, argv);
  QCoreApplication::setOrganizationName("TrustCT");
  QCoreApplication::setApplicationName("trustct-session-tests");
  configureRuntime();
  registerLearnedMethods();  // the application's registry
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
