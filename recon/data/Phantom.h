#pragma once
// Ellipse phantoms: the papers' random Ellipses distribution and Shepp–Logan, rasterised as pixel
// averages, with exact (analytic) sinograms so that evaluation need not commit the inverse crime.
#include <torch/types.h>

#include <string>
#include <vector>

#include "recon/core/Rng.h"
#include "recon/geometry/Geometry.h"

namespace trustct {

struct Ellipse {
  double intensity;  // added where ellipses overlap
  double a, b;       // semi-axes along the ellipse's own x and y, in length units
  double cx, cy;     // centre; y points up (row 0 of an image is the top)
  double phi;        // counter-clockwise rotation, radians
};

// value(p) = (Σ intensity_i·[p ∈ E_i] − offset) / scale inside the union of the ellipses, 0 outside.
class EllipsePhantom {
 public:
  EllipsePhantom(std::vector<Ellipse> ellipses, double offset = 0.0, double scale = 1.0);

  // Modified Shepp–Logan (Toft), intensities in [0, 1].
  static EllipsePhantom sheppLogan(const Geometry& g);
  // The papers' Ellipses: n = min(Poisson(40), 70) ellipses, intensity U(−0.4, 1), semi-axes 0.2·Exp(1) of the
  // half-width, centre U(−0.9, 0.9)², rotation U(0, 2π); then the nonzero part is shifted by its minimum
  // and divided by its maximum (measured on the supersampled grid of `g`).
  static EllipsePhantom randomEllipses(const Geometry& g, Rng& rng);

  const std::vector<Ellipse>& ellipses() const { return ellipses_; }

  // (H, W) float32: the mean of supersample² point values per pixel.
  torch::Tensor rasterize(const Geometry& g, int supersample = 8) const;
  // (angles, bins) float32: exact line integrals through each bin centre, divided by `normalization`
  // (RadonOperator::normalization() gives data on the scale of the normalised A).
  torch::Tensor analyticSinogram(const Geometry& g, double normalization) const;

 private:
  // Per-sample sums and union-membership on the supersampled grid.
  void sampleGrid(const Geometry& g, int supersample, std::vector<double>& sum, std::vector<uint8_t>& inside) const;

  std::vector<Ellipse> ellipses_;
  double offset_, scale_;
};

enum class PhantomKind { Ellipses, SheppLogan };
PhantomKind parsePhantomKind(const std::string& name);  // UsageError for unknown names

// Item `index` of the data set (kind, seed): the same on every machine and in any generation order.
EllipsePhantom makePhantom(PhantomKind kind, const Geometry& g, uint64_t seed, uint64_t index);

}  // namespace trustct
