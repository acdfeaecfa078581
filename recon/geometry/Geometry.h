#pragma once
// Parallel-beam CT geometry of the papers (docs/researcher-guide.md §1) as a validated value type.
// Every model and calibration records the fingerprint of the geometry it was made for.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace trustct {

// The line through the centre of one detector bin: points (x0, y0) + t·(dx, dy), |(dx, dy)| = 1, and
// the part of it inside the image square, t ∈ [tmin, tmax] (empty when tmax ≤ tmin).
struct Ray {
  double x0, y0, dx, dy;
  double tmin, tmax;
  bool empty() const { return !(tmax > tmin); }
};

struct Geometry {
  int imageSize = 128;            // pixels per side; the image covers [-imageSize/2, imageSize/2]^2
  double pixelSize = 1.0;         // in the same length unit as the detector
  int numAngles = 30;             // angles at mid-points (k + 1/2)·π/numAngles
  int numBins = 183;              // detector bins of equal width
  double detectorHalfWidth = 0;   // ρ; 0 means the default imageSize/2·√2·pixelSize

  static Geometry paperDefault();

  // Throws InputError naming `source` when a field is out of range.
  void validate(const std::string& source = "geometry") const;

  double halfWidth() const { return imageSize * pixelSize / 2.0; }
  double rho() const;
  double binWidth() const { return 2.0 * rho() / numBins; }
  double binCenter(int bin) const { return -rho() + (bin + 0.5) * binWidth(); }
  double angle(int k) const;
  std::vector<double> angles() const;
  Ray ray(int angleIndex, int bin) const;
  int numPixels() const { return imageSize * imageSize; }
  int numRays() const { return numAngles * numBins; }

  nlohmann::json toJson() const;
  static Geometry fromJson(const nlohmann::json& j, const std::string& source = "geometry");
  // SHA-256 (hex, first 16 characters) of the canonical JSON: stable across platforms.
  std::string fingerprint() const;
  std::string describe() const;  // "128x128, 30 angles, 183 bins"
  // The fields in which this geometry differs from `other`, as "pixel size 1 (other 0.5)"; empty when equal.
  // describe() leaves out pixel size and detector width, so a mismatch message names what differs.
  std::string differenceFrom(const Geometry& other) const;

  bool operator==(const Geometry& o) const { return fingerprint() == o.fingerprint(); }
  bool operator!=(const Geometry& o) const { return !(*this == o); }
};

}  // namespace trustct
