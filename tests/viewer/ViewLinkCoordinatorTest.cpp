// The view-model that links panels: each link on its own, zoom about a point, regions.
#include <gtest/gtest.h>

#include "viewer/MouseBindings.h"
#include "viewer/ViewLinkCoordinator.h"

using namespace trustct::viewer;

namespace {
ViewLinkCoordinator threePanels() {
  ViewLinkCoordinator c;
  c.setPanels(3, 128, 128, WindowLevel{0.5, 1.0});
  return c;
}
}  // namespace

TEST(ViewLinkCoordinator, LinkedZoomReachesEveryPanel) {
  ViewLinkCoordinator c = threePanels();
  c.setZoom(1, 4);
  for (int p = 0; p < 3; ++p) EXPECT_DOUBLE_EQ(c.panel(p).zoom, 4) << p;
}

TEST(ViewLinkCoordinator, UnlinkedZoomStaysOnItsPanel) {
  ViewLinkCoordinator c = threePanels();
  c.setLinked(Link::Zoom, false);
  c.setZoom(1, 4);
  EXPECT_DOUBLE_EQ(c.panel(0).zoom, 1);
  EXPECT_DOUBLE_EQ(c.panel(1).zoom, 4);
  EXPECT_DOUBLE_EQ(c.panel(2).zoom, 1);
}

TEST(ViewLinkCoordinator, EachLinkSwitchesIndependently) {
  ViewLinkCoordinator c = threePanels();
  c.setLinked(Link::Pan, false);
  c.setCenter(0, {10, 20});
  c.setWindow(0, {0.3, 0.2});
  EXPECT_DOUBLE_EQ(c.panel(1).center.x, 64);
  EXPECT_DOUBLE_EQ(c.panel(0).center.x, 10);
  EXPECT_EQ(c.panel(2).window, (WindowLevel{0.3, 0.2}));  // window/level still linked

  c.setLinked(Link::WindowLevel, false);
  c.setWindow(2, {0.7, 0.1});
  EXPECT_EQ(c.panel(0).window, (WindowLevel{0.3, 0.2}));
  EXPECT_EQ(c.panel(2).window, (WindowLevel{0.7, 0.1}));
  c.setWindowAll({0.5, 1});  // presets reach every panel whatever the link
  for (int p = 0; p < 3; ++p) EXPECT_EQ(c.panel(p).window, (WindowLevel{0.5, 1}));
}

TEST(ViewLinkCoordinator, CursorLinkShowsTheCursorEverywhereOrOnlyAtTheSource) {
  ViewLinkCoordinator c = threePanels();
  c.setCursor(0, PointF{5, 6});
  ASSERT_TRUE(c.panel(2).cursor);
  EXPECT_DOUBLE_EQ(c.panel(2).cursor->y, 6);
  c.setLinked(Link::Cursor, false);
  c.setCursor(1, PointF{7, 8});
  EXPECT_FALSE(c.panel(0).cursor);
  ASSERT_TRUE(c.panel(1).cursor);
  c.setCursor(1, std::nullopt);
  EXPECT_FALSE(c.panel(1).cursor);
}

TEST(ViewLinkCoordinator, ZoomAboutKeepsTheAnchorInPlace) {
  ViewLinkCoordinator c = threePanels();
  const PointF anchor{100, 30};
  const ViewTransform before(128, 128, 400, 400, c.panel(0).zoom, c.panel(0).center.x, c.panel(0).center.y);
  const PointF v = before.toView(anchor);
  c.zoomAbout(0, 2.5, anchor);
  const ViewTransform after(128, 128, 400, 400, c.panel(0).zoom, c.panel(0).center.x, c.panel(0).center.y);
  const PointF v2 = after.toView(anchor);
  EXPECT_NEAR(v.x, v2.x, 1e-9);
  EXPECT_NEAR(v.y, v2.y, 1e-9);
  EXPECT_DOUBLE_EQ(c.panel(2).zoom, 2.5);
}

TEST(ViewLinkCoordinator, ZoomIsClamped) {
  ViewLinkCoordinator c = threePanels();
  c.setZoom(0, 1e6);
  EXPECT_DOUBLE_EQ(c.panel(0).zoom, ViewLinkCoordinator::kMaxZoom);
  c.setZoom(0, 0);
  EXPECT_DOUBLE_EQ(c.panel(0).zoom, ViewLinkCoordinator::kMinZoom);
}

TEST(ViewLinkCoordinator, RegionsAreNormalisedClippedAndLimited) {
  ViewLinkCoordinator c = threePanels();
  const int id = c.addRegion({50, 40}, {10, 20});
  ASSERT_GT(id, 0);
  EXPECT_DOUBLE_EQ(c.regions()[0].x0, 10);
  EXPECT_DOUBLE_EQ(c.regions()[0].y1, 40);
  EXPECT_EQ(c.addRegion({5, 5}, {5.5, 30}), 0);  // under one pixel wide
  c.addRegion({-20, -20}, {300, 10});
  EXPECT_DOUBLE_EQ(c.regions()[1].x0, 0);
  EXPECT_DOUBLE_EQ(c.regions()[1].x1, 128);
  c.addRegion({1, 1}, {9, 9});
  c.addRegion({2, 2}, {9, 9});
  ASSERT_EQ(c.regions().size(), size_t(ViewLinkCoordinator::kMaxRegions));
  EXPECT_NE(c.regions()[0].id, id);  // the oldest was replaced
  EXPECT_TRUE(c.removeRegion(c.regions()[0].id));
  EXPECT_FALSE(c.removeRegion(12345));
  c.clearRegions();
  EXPECT_TRUE(c.regions().empty());
}

TEST(ViewLinkCoordinator, ListenersHearWhatChangedOnWhichPanel) {
  ViewLinkCoordinator c = threePanels();
  c.setLinked(Link::Zoom, false);
  std::vector<std::pair<int, int>> heard;
  const int token = c.subscribe([&](int p, int changes) { heard.emplace_back(p, changes); });
  c.setZoom(2, 3);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], std::make_pair(2, int(ViewLinkCoordinator::ViewChanged)));
  c.unsubscribe(token);
  c.setZoom(1, 3);
  EXPECT_EQ(heard.size(), 1u);
}

TEST(ViewTransform, FitsTheImageAndRoundTrips) {
  const ViewTransform t(128, 128, 512, 256, 1, 64, 64);
  EXPECT_DOUBLE_EQ(t.scale(), 2);  // limited by the height
  const PointF v = t.toView({0, 0});
  EXPECT_DOUBLE_EQ(v.x, 256 - 128);
  EXPECT_DOUBLE_EQ(v.y, 0);
  const PointF back = t.toImage(t.toView({17.25, 99.5}));
  EXPECT_NEAR(back.x, 17.25, 1e-12);
  EXPECT_NEAR(back.y, 99.5, 1e-12);
}

// Home / double click: the case's initial view, window/level included (the window it opened with,
// whether the file brought one or not).
TEST(ViewLinkCoordinator, ResetRestoresTheInitialWindowAsWellAsZoomAndPan) {
  ViewLinkCoordinator c;
  c.setPanels(2, 128, 128, WindowLevel{0.4, 0.6});
  EXPECT_EQ(c.initialWindow(), (WindowLevel{0.4, 0.6}));
  c.setZoom(0, 3);
  c.setCenter(0, {10, 90});
  c.setWindowAll({0.2, 0.05});
  c.resetView(0);
  for (int p = 0; p < 2; ++p) {
    EXPECT_DOUBLE_EQ(c.panel(p).zoom, 1);
    EXPECT_DOUBLE_EQ(c.panel(p).center.x, 64);
    EXPECT_EQ(c.panel(p).window, (WindowLevel{0.4, 0.6})) << p;
  }
}

TEST(MouseBindings, ReadingRoomIsLeftWindowMiddlePanRightZoom) {
  EXPECT_EQ(dragActionFor(MouseScheme::ReadingRoom, MouseButton::Left, false, false), DragAction::WindowLevel);
  EXPECT_EQ(dragActionFor(MouseScheme::ReadingRoom, MouseButton::Middle, false, false), DragAction::Pan);
  EXPECT_EQ(dragActionFor(MouseScheme::ReadingRoom, MouseButton::Right, false, false), DragAction::Zoom);
  EXPECT_EQ(dragActionFor(MouseScheme::Classic, MouseButton::Left, false, false), DragAction::Pan);
  EXPECT_EQ(dragActionFor(MouseScheme::Classic, MouseButton::Right, false, false), DragAction::WindowLevel);
  for (MouseScheme s : {MouseScheme::ReadingRoom, MouseScheme::Classic}) {
    EXPECT_EQ(dragActionFor(s, MouseButton::Left, true, false), DragAction::Region);  // Ctrl + left
    EXPECT_EQ(dragActionFor(s, MouseButton::Left, false, true), DragAction::Region);  // region tool
    EXPECT_EQ(parseScheme(schemeName(s)), s);
    // Help lists what the table does: the left-drag row names the scheme's action.
    const auto rows = bindingRows(s);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].first, "Left drag");
    EXPECT_NE(rows[0].second.find(s == MouseScheme::ReadingRoom ? "window" : "pan"), std::string::npos);
  }
  EXPECT_EQ(parseScheme("anything else"), MouseScheme::ReadingRoom);
}

TEST(MouseBindings, DragGesturesAreRelativeToThePress) {
  const WindowLevel start{0.5, 0.2};
  EXPECT_EQ(dragWindow(start, 0, 0), start);
  EXPECT_GT(dragWindow(start, 50, 0).width, start.width);  // right widens
  EXPECT_GT(dragWindow(start, 0, -50).center, start.center);  // up raises the level
  EXPECT_GT(dragZoomFactor(-40), 1);  // up magnifies
  EXPECT_NEAR(dragZoomFactor(40) * dragZoomFactor(-40), 1, 1e-12);
}

TEST(Intensity, WindowLevelReadoutIsInHuOnlyForHuImages) {
  const WindowLevel mediastinum = WindowLevel::fromHu(350, 50);
  EXPECT_EQ(formatWindowLevel(mediastinum, true), "W 350 L 50 HU");
  EXPECT_EQ(formatWindowLevel(WindowLevel{0.5, 1.0}, false), "W 1.000 L 0.500");
  EXPECT_NEAR(differenceToHu(WindowLevel::fromHu(100, 0).width), 100, 1e-9);
}
