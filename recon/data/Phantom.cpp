#include "recon/data/Phantom.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "recon/core/Errors.h"

namespace trustct {

EllipsePhantom::EllipsePhantom(std::vector<Ellipse> ellipses, double offset, double scale)
    : ellipses_(std::move(ellipses)), offset_(offset), scale_(scale) {}

EllipsePhantom EllipsePhantom::sheppLogan(const Geometry& g) {
  // Toft's modified Shepp–Logan, in units of the half-width: {intensity, a, b, x, y, phi°}.
  static const double table[10][6] = {
      {1.0, .69, .92, 0, 0, 0},          {-.8, .6624, .8740, 0, -.0184, 0}, {-.2, .1100, .3100, .22, 0, -18},
      {-.2, .1600, .4100, -.22, 0, 18},  {.1, .2100, .2500, 0, .35, 0},     {.1, .0460, .0460, 0, .1, 0},
      {.1, .0460, .0460, 0, -.1, 0},     {.1, .0460, .0230, -.08, -.605, 0}, {.1, .0230, .0230, 0, -.606, 0},
      {.1, .0230, .0460, .06, -.605, 0}};
  const double h = g.halfWidth();
  std::vector<Ellipse> e;
  for (const auto& r : table) e.push_back({r[0], r[1] * h, r[2] * h, r[3] * h, r[4] * h, r[5] * M_PI / 180.0});
  return EllipsePhantom(std::move(e));
}

EllipsePhantom EllipsePhantom::randomEllipses(const Geometry& g, Rng& rng) {
  const double h = g.halfWidth();
  const int64_t count = std::min<int64_t>(rng.poisson(40.0), 70);
  std::vector<Ellipse> e;
  for (int64_t i = 0; i < count; ++i) {
    Ellipse el;
    el.intensity = rng.uniform(-0.4, 1.0);
    el.a = 0.2 * rng.exponential() * h;
    el.b = 0.2 * rng.exponential() * h;
    el.cx = rng.uniform(-0.9, 0.9) * h;
    el.cy = rng.uniform(-0.9, 0.9) * h;
    el.phi = rng.uniform(0.0, 2.0 * M_PI);
    e.push_back(el);
  }
  EllipsePhantom raw(e);
  std::vector<double> sum;
  std::vector<uint8_t> inside;
  raw.sampleGrid(g, 8, sum, inside);
  double lo = 1e300, hi = -1e300;
  for (size_t i = 0; i < sum.size(); ++i)
    if (inside[i] && sum[i] != 0.0) {
      lo = std::min(lo, sum[i]);
      hi = std::max(hi, sum[i]);
    }
  if (!(hi > lo)) return EllipsePhantom(std::move(e), 0.0, hi > 0 ? hi : 1.0);
  return EllipsePhantom(std::move(e), lo, hi - lo);
}

void EllipsePhantom::sampleGrid(const Geometry& g, int ss, std::vector<double>& sum,
                                std::vector<uint8_t>& inside) const {
  const int m = g.imageSize * ss;
  const double step = g.pixelSize / ss, half = g.halfWidth();
  sum.assign(size_t(m) * m, 0.0);
  inside.assign(size_t(m) * m, 0);
  for (const Ellipse& e : ellipses_) {
    const double c = std::cos(e.phi), s = std::sin(e.phi);
    // Axis-aligned bounding box of the rotated ellipse, as sample index ranges.
    const double ex = std::sqrt(e.a * e.a * c * c + e.b * e.b * s * s);
    const double ey = std::sqrt(e.a * e.a * s * s + e.b * e.b * c * c);
    const int c0 = std::max(0, int(std::floor((e.cx - ex + half) / step)));
    const int c1 = std::min(m - 1, int(std::ceil((e.cx + ex + half) / step)));
    const int r0 = std::max(0, int(std::floor((half - (e.cy + ey)) / step)));
    const int r1 = std::min(m - 1, int(std::ceil((half - (e.cy - ey)) / step)));
    for (int r = r0; r <= r1; ++r) {
      const double y = half - (r + 0.5) * step - e.cy;
      for (int col = c0; col <= c1; ++col) {
        const double x = -half + (col + 0.5) * step - e.cx;
        const double u = (c * x + s * y) / e.a, v = (-s * x + c * y) / e.b;
        if (u * u + v * v <= 1.0) {
          sum[size_t(r) * m + col] += e.intensity;
          inside[size_t(r) * m + col] = 1;
        }
      }
    }
  }
}

torch::Tensor EllipsePhantom::rasterize(const Geometry& g, int ss) const {
  std::vector<double> sum;
  std::vector<uint8_t> inside;
  sampleGrid(g, ss, sum, inside);
  const int n = g.imageSize, m = n * ss;
  torch::Tensor img = torch::zeros({n, n}, torch::kFloat32);
  float* p = img.data_ptr<float>();
  for (int r = 0; r < n; ++r)
    for (int c = 0; c < n; ++c) {
      double acc = 0;
      for (int i = 0; i < ss; ++i)
        for (int j = 0; j < ss; ++j) {
          const size_t q = size_t(r * ss + i) * m + (c * ss + j);
          if (inside[q]) acc += (sum[q] - offset_) / scale_;
        }
      p[r * n + c] = static_cast<float>(acc / (ss * ss));
    }
  return img;
}

torch::Tensor EllipsePhantom::analyticSinogram(const Geometry& g, double normalization) const {
  torch::Tensor sino = torch::zeros({g.numAngles, g.numBins}, torch::kFloat32);
  float* out = sino.data_ptr<float>();
  at::parallel_for(0, g.numRays(), 64, [&](int64_t r0, int64_t r1) {
    std::vector<std::pair<double, double>> spans;
    for (int64_t ray = r0; ray < r1; ++ray) {
      const Ray r = g.ray(int(ray / g.numBins), int(ray % g.numBins));
      const double x0 = r.x0, y0 = r.y0, dx = r.dx, dy = r.dy, tmin = r.tmin, tmax = r.tmax;
      // The image covers only the square: every chord is clipped to it, as the raster is.
      double weighted = 0;
      spans.clear();
      if (!r.empty())
        for (const Ellipse& e : ellipses_) {
          // Points p0 + t·d in the ellipse frame; solve (u/a)² + (v/b)² = 1 for t.
          const double ce = std::cos(e.phi), se = std::sin(e.phi);
          const double px = x0 - e.cx, py = y0 - e.cy;
          const double u0 = (ce * px + se * py) / e.a, v0 = (-se * px + ce * py) / e.b;
          const double ud = (ce * dx + se * dy) / e.a, vd = (-se * dx + ce * dy) / e.b;
          const double qa = ud * ud + vd * vd, qb = 2 * (u0 * ud + v0 * vd), qc = u0 * u0 + v0 * v0 - 1;
          const double disc = qb * qb - 4 * qa * qc;
          if (disc <= 0) continue;
          const double sq = std::sqrt(disc);
          const double ta = std::max(tmin, (-qb - sq) / (2 * qa)), tb = std::min(tmax, (-qb + sq) / (2 * qa));
          if (tb <= ta) continue;
          weighted += e.intensity * (tb - ta);
          spans.emplace_back(ta, tb);
        }
      double unionLen = 0;
      if (offset_ != 0 && !spans.empty()) {
        std::sort(spans.begin(), spans.end());
        double a = spans[0].first, b = spans[0].second;
        for (size_t i = 1; i < spans.size(); ++i) {
          if (spans[i].first > b) {
            unionLen += b - a;
            a = spans[i].first;
          }
          b = std::max(b, spans[i].second);
        }
        unionLen += b - a;
      }
      out[ray] = static_cast<float>((weighted - offset_ * unionLen) / scale_ / normalization);
    }
  });
  return sino;
}

PhantomKind parsePhantomKind(const std::string& name) {
  if (name == "ellipses") return PhantomKind::Ellipses;
  if (name == "shepp-logan") return PhantomKind::SheppLogan;
  throw UsageError("unknown phantom '" + name + "' (expected ellipses or shepp-logan)");
}

EllipsePhantom makePhantom(PhantomKind kind, const Geometry& g, uint64_t seed, uint64_t index) {
  if (kind == PhantomKind::SheppLogan) return EllipsePhantom::sheppLogan(g);
  Rng rng = Rng::forItem(seed, index);
  return EllipsePhantom::randomEllipses(g, rng);
}

}  // namespace trustct
