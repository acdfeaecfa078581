#include "recon/geometry/Geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "recon/core/Errors.h"
#include "recon/core/Sha256.h"

namespace trustct {

Geometry Geometry::paperDefault() { return Geometry{}; }

double Geometry::rho() const {
  return detectorHalfWidth > 0 ? detectorHalfWidth : halfWidth() * std::sqrt(2.0);
}

double Geometry::angle(int k) const { return (k + 0.5) * M_PI / numAngles; }

std::vector<double> Geometry::angles() const {
  std::vector<double> a(numAngles);
  for (int k = 0; k < numAngles; ++k) a[k] = angle(k);
  return a;
}

Ray Geometry::ray(int k, int bin) const {
  const double th = angle(k), c = std::cos(th), s = std::sin(th), sj = binCenter(bin);
  // The ray is {p : p·(cos θ, sin θ) = s_j}, traversed along (−sin θ, cos θ).
  Ray r{sj * c, sj * s, -s, c, -1e300, 1e300};
  const double half = halfWidth();
  for (auto [p0, d] : {std::pair{r.x0, r.dx}, std::pair{r.y0, r.dy}}) {
    if (std::fabs(d) < 1e-12) {
      if (std::fabs(p0) >= half) r.tmax = r.tmin;
      continue;
    }
    const double t1 = (-half - p0) / d, t2 = (half - p0) / d;
    r.tmin = std::max(r.tmin, std::min(t1, t2));
    r.tmax = std::min(r.tmax, std::max(t1, t2));
  }
  return r;
}

void Geometry::validate(const std::string& source) const {
  auto fail = [&](const std::string& what) { throw InputError(source, "invalid geometry: " + what); };
  if (imageSize < 8 || imageSize > 4096) fail("image size must be in [8, 4096], got " + std::to_string(imageSize));
  if (!(pixelSize > 0) || !std::isfinite(pixelSize)) fail("pixel size must be positive");
  if (numAngles < 1 || numAngles > 10000) fail("angle count must be in [1, 10000]");
  if (numBins < 2 || numBins > 100000) fail("bin count must be in [2, 100000]");
  if (detectorHalfWidth < 0 || !std::isfinite(detectorHalfWidth)) fail("detector half-width must be >= 0");
}

namespace {

// The only angle set the operators implement is (k + 1/2)·π/N: "midpoint", or those N angles in radians.
// Anything else (a list of other angles, a short list) describes data these operators would misread.
void requireMidpointAngles(const nlohmann::json& angles, int numAngles, const std::string& source) {
  if (angles.is_string()) {
    if (angles.get<std::string>() != "midpoint")
      throw InputError(source, "unsupported angles '" + angles.get<std::string>() + "' (expected \"midpoint\")");
    return;
  }
  if (!angles.is_array())
    throw InputError(source, "angles must be \"midpoint\" or a list of angles in radians");
  if (angles.size() != static_cast<size_t>(numAngles))
    throw InputError(source, "lists " + std::to_string(angles.size()) + " angles but num_angles is " +
                                 std::to_string(numAngles));
  for (int k = 0; k < numAngles; ++k) {
    const double expected = (k + 0.5) * M_PI / numAngles;
    const double a = angles[k].get<double>();
    if (!(std::fabs(a - expected) <= 1e-6))
      throw InputError(source, "angle " + std::to_string(k) + " is " + std::to_string(a) + " rad; TrustCT's operators use " +
                                   "the mid-point angles (k + 1/2)pi/" + std::to_string(numAngles) + " (" +
                                   std::to_string(expected) + " rad)");
  }
}

}  // namespace

nlohmann::json Geometry::toJson() const {
  return {{"type", "parallel2d"},
          {"image_size", imageSize},
          {"pixel_size", pixelSize},
          {"num_angles", numAngles},
          {"angles", "midpoint"},
          {"num_bins", numBins},
          {"detector_half_width", rho()}};
}

Geometry Geometry::fromJson(const nlohmann::json& j, const std::string& source) {
  Geometry g;
  try {
    if (j.value("type", std::string("parallel2d")) != "parallel2d")
      throw InputError(source, "unsupported geometry type '" + j.value("type", std::string()) + "'");
    g.imageSize = j.at("image_size").get<int>();
    g.pixelSize = j.value("pixel_size", 1.0);
    g.numAngles = j.at("num_angles").get<int>();
    g.numBins = j.at("num_bins").get<int>();
    g.detectorHalfWidth = j.value("detector_half_width", 0.0);
    if (j.contains("angles")) requireMidpointAngles(j.at("angles"), g.numAngles, source);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, std::string("malformed geometry: ") + e.what());
  }
  g.validate(source);
  return g;
}

std::string Geometry::fingerprint() const {
  // Canonical text with fixed precision so that 90.50966799187809 and its JSON round trip agree.
  char buf[256];
  std::snprintf(buf, sizeof buf, "parallel2d;n=%d;px=%.9g;angles=%d;midpoint;bins=%d;rho=%.9g", imageSize,
                pixelSize, numAngles, numBins, rho());
  return sha256Hex(buf).substr(0, 16);
}

std::string Geometry::differenceFrom(const Geometry& other) const {
  std::string out;
  auto field = [&](const char* name, double mine, double theirs) {
    char buf[128];
    if (std::fabs(mine - theirs) <= 1e-9 * std::max(1.0, std::fabs(theirs))) return;
    std::snprintf(buf, sizeof buf, "%s%s %.9g (other %.9g)", out.empty() ? "" : ", ", name, mine, theirs);
    out += buf;
  };
  field("image size", imageSize, other.imageSize);
  field("pixel size", pixelSize, other.pixelSize);
  field("angles", numAngles, other.numAngles);
  field("bins", numBins, other.numBins);
  field("detector half-width", rho(), other.rho());
  return out;
}

std::string Geometry::describe() const {
  return std::to_string(imageSize) + "x" + std::to_string(imageSize) + ", " + std::to_string(numAngles) +
         " angles, " + std::to_string(numBins) + " bins";
}

}  // namespace trustct
