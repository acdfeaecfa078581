// A raw sinogram's sidecar states its geometry (hardening issue, defect 12): its "angles" were ignored, so
// data taken at other angles was reconstructed as if at the mid-point angles, and a pixel-size mismatch
// printed two identical geometries. Now the angles are checked and the message names what differs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "recon/core/Errors.h"
#include "recon/io/SinogramIO.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;
using trustct::testing::tinyOperator;

namespace {

// Loads a raw sinogram whose sidecar geometry is the operator's with `edit` applied; the refusal or "(read)".
std::string loadWithGeometry(const std::function<void(nlohmann::json&)>& edit) {
  const auto op = tinyOperator();
  const auto dir = freshDir("sidecar");
  const std::string raw = (dir / "s.raw").string();
  writeRawSinogram(raw, torch::rand({1, op->geometry().numAngles, op->geometry().numBins}), op->geometry());
  nlohmann::json meta;
  std::ifstream(raw + ".json") >> meta;
  edit(meta["geometry"]);
  std::ofstream(raw + ".json") << meta.dump();
  try {
    loadSinogramFile(raw, *op);
    return "(read)";
  } catch (const InputError& e) {
    return e.what();
  }
}

TEST(SidecarGeometry, AnglesAreCheckedAndAMismatchNamesTheField) {
  EXPECT_EQ(loadWithGeometry([](nlohmann::json&) {}), "(read)");
  const int n = tinyOperator()->geometry().numAngles;
  auto angles = [n](double offset) {
    std::vector<double> a;
    for (int k = 0; k < n; ++k) a.push_back((k + offset) * M_PI / n);
    return a;
  };
  EXPECT_EQ(loadWithGeometry([&](nlohmann::json& g) { g["angles"] = angles(0.5); }), "(read)");
  EXPECT_NE(loadWithGeometry([&](nlohmann::json& g) { g["angles"] = angles(0.0); }).find("mid-point angles"),
            std::string::npos);
  EXPECT_NE(loadWithGeometry([](nlohmann::json& g) { g["angles"] = std::vector<double>{0.1, 0.2}; })
                .find("lists 2 angles but num_angles is"),
            std::string::npos);
  EXPECT_NE(loadWithGeometry([](nlohmann::json& g) { g["angles"] = "equispaced"; }).find("unsupported angles"),
            std::string::npos);
  const std::string why = loadWithGeometry([](nlohmann::json& g) { g["pixel_size"] = 0.5; });
  EXPECT_NE(why.find("pixel size 0.5 (other 1)"), std::string::npos) << why;
}

}  // namespace
