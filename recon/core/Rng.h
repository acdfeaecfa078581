#pragma once
// Seeded random numbers that are bit-identical across compilers and standard libraries:
// xoshiro256** with our own transforms (std:: distributions differ between libstdc++ and libc++).
#include <cstdint>

namespace trustct {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  // An independent stream for item `index` of a data set seeded with `seed` (parallel generation
  // gives the same data as sequential generation).
  static Rng forItem(uint64_t seed, uint64_t index);

  uint64_t next();
  double uniform();                          // [0, 1)
  double uniform(double lo, double hi);      // [lo, hi)
  double normal();                           // N(0, 1), Box–Muller
  double exponential(double rate = 1.0);
  int64_t poisson(double mean);              // Knuth below 30, PTRS (Hörmann 1993) above

 private:
  uint64_t s_[4];
  bool haveSpare_ = false;
  double spare_ = 0;
};

}  // namespace trustct
