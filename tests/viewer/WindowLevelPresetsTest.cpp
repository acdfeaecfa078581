// Window/level presets: the shipped file, the HU conversion, and bad files named with the problem.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "recon/core/Errors.h"
#include "viewer/WindowLevelPresets.h"
#include "viewer/WindowedImage.h"

using namespace trustct::viewer;

TEST(Intensity, HounsfieldConversionFollowsTheLoDoPaBNormalisation) {
  EXPECT_NEAR(normalizedToHu(huToNormalized(-600)), -600, 1e-9);
  EXPECT_NEAR(huToNormalized(-1000), 0, 1e-12);            // air
  EXPECT_NEAR(huToNormalized(0), 20.0 / 81.35858, 1e-12);  // water
  const WindowLevel lung = WindowLevel::fromHu(1500, -600);
  EXPECT_NEAR(lung.widthHu(), 1500, 1e-9);
  EXPECT_NEAR(lung.levelHu(), -600, 1e-9);
  EXPECT_DOUBLE_EQ(lung.map(lung.lower()), 0);
  EXPECT_DOUBLE_EQ(lung.map(lung.upper()), 1);
  EXPECT_DOUBLE_EQ(lung.map(lung.center), 0.5);
}

TEST(WindowLevelPresets, ShippedFileHasTheRadiologyPresetsWithShortcuts) {
  const auto presets = WindowLevelPresets::load(WindowLevelPresets::defaultPath(TRUSTCT_RESOURCES));
  const std::vector<std::tuple<std::string, double, double>> expected = {
      {"lung", 1500, -600}, {"mediastinum", 350, 50}, {"bone", 2000, 400},
      {"abdomen", 400, 40}, {"liver", 150, 90},       {"brain", 80, 40}};
  ASSERT_EQ(presets.presets().size(), expected.size());
  for (const auto& [id, width, level] : expected) {
    const WindowLevelPreset* p = presets.find(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_DOUBLE_EQ(p->widthHu, width) << id;
    EXPECT_DOUBLE_EQ(p->levelHu, level) << id;
    EXPECT_FALSE(p->shortcut.empty()) << id;
  }
  const auto all = presets.all(WindowLevel{0.5, 1.0});
  ASSERT_EQ(all.size(), expected.size() + 1);
  EXPECT_EQ(all.front().id, WindowLevelPresets::kFileId);
  EXPECT_NEAR(all.front().window().center, 0.5, 1e-12);
  EXPECT_NEAR(all.front().window().width, 1.0, 1e-12);
  EXPECT_EQ(presets.all(std::nullopt).size(), expected.size());
}

TEST(WindowLevelPresets, RejectsBadFilesWithTheProblem) {
  const auto j = [](const char* text) { return nlohmann::json::parse(text); };
  const auto message = [](const nlohmann::json& json) {
    try {
      WindowLevelPresets::fromJson(json, "p.json");
    } catch (const trustct::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message(j(R"({"format":"x","version":1,"presets":[]})")).find("p.json: not a window/level preset"), std::string::npos);
  EXPECT_NE(message(j(R"({"format":"trustct-window-level-presets","version":2,"presets":[]})")).find("version 2"), std::string::npos);
  EXPECT_NE(message(j(R"({"format":"trustct-window-level-presets","version":1,"presets":[{"id":"a","name":"A","width_hu":0,"level_hu":0}]})"))
                .find("non-positive width"), std::string::npos);
  EXPECT_NE(message(j(R"({"format":"trustct-window-level-presets","version":1,"presets":[{"id":"a","name":"A","width_hu":10,"level_hu":0,"shortcut":"Ctrl+1"},{"id":"b","name":"B","width_hu":10,"level_hu":0,"shortcut":"Ctrl+1"}]})"))
                .find("already in use"), std::string::npos);
  EXPECT_NE(message(j(R"({"format":"trustct-window-level-presets","version":1,"presets":[{"id":"file","name":"A","width_hu":10,"level_hu":0}]})"))
                .find("reserved"), std::string::npos);
  EXPECT_NE(message(j(R"({"format":"trustct-window-level-presets","version":1,"presets":[{"id":"a"}]})")).find("malformed"), std::string::npos);
  EXPECT_THROW(WindowLevelPresets::load("/nonexistent/presets.json"), trustct::InputError);
}

TEST(WindowedImage, MapsTheWindowAndUpscalesWithoutInventingPixels) {
  ImageBuffer img{2, 1, {0.25f, 0.75f}};
  const QImage q = toQImage(img, WindowLevel{0.5, 0.5}, false, 3);
  ASSERT_EQ(q.width(), 6);
  ASSERT_EQ(q.height(), 3);
  EXPECT_EQ(qGray(q.pixel(0, 0)), 0);
  EXPECT_EQ(qGray(q.pixel(2, 2)), 0);
  EXPECT_EQ(qGray(q.pixel(3, 0)), 255);
  const auto white = divergingColor(0.5);
  EXPECT_DOUBLE_EQ(white[0], 1);
  EXPECT_DOUBLE_EQ(white[2], 1);
  const auto neg = divergingColor(0), pos = divergingColor(1);
  EXPECT_GT(neg[2], neg[0]);  // blue end
  EXPECT_GT(pos[0], pos[2]);  // orange end
}
