#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "recon/core/Errors.h"
#include "recon/geometry/Geometry.h"

using namespace trustct;

TEST(Geometry, PaperDefaultMatchesScience) {
  const Geometry g = Geometry::paperDefault();
  EXPECT_EQ(g.imageSize, 128);
  EXPECT_EQ(g.numAngles, 30);
  EXPECT_EQ(g.numBins, 183);
  EXPECT_NEAR(g.rho(), 64 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(g.binWidth(), 0.98919, 1e-4);
  EXPECT_NEAR(g.angle(0) * 180 / M_PI, 3.0, 1e-12);
  EXPECT_NEAR(g.angle(29) * 180 / M_PI, 177.0, 1e-12);
  EXPECT_EQ(g.numRays(), 5490);
}

TEST(Geometry, JsonRoundTripKeepsTheFingerprint) {
  const Geometry g = Geometry::paperDefault();
  const Geometry back = Geometry::fromJson(nlohmann::json::parse(g.toJson().dump()));
  EXPECT_EQ(back.fingerprint(), g.fingerprint());
  EXPECT_EQ(g.fingerprint().size(), 16u);
  Geometry other = g;
  other.numAngles = 60;
  EXPECT_NE(other.fingerprint(), g.fingerprint());
}

TEST(Geometry, InvalidValuesAreRejectedWithTheSourceNamed) {
  nlohmann::json j = Geometry::paperDefault().toJson();
  j["num_bins"] = 0;
  try {
    Geometry::fromJson(j, "model.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.source(), "model.json");
    EXPECT_NE(std::string(e.what()).find("bin count"), std::string::npos);
  }
  nlohmann::json k = Geometry::paperDefault().toJson();
  k.erase("num_angles");
  EXPECT_THROW(Geometry::fromJson(k, "x"), InputError);
}
