#include "recon/io/CtSlice.h"

#include <cstring>
#include <fstream>

#include "recon/core/Errors.h"

namespace trustct {

std::array<double, 3> CtSlice::normal() const {
  const double* r = orientation.data();
  const double* c = orientation.data() + 3;
  return {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
}

std::string CtSlice::describe() const {
  return frameNumber > 0 ? source + " (frame " + std::to_string(frameNumber) + ")" : source;
}

const CtSlice& CtSeries::slice(int index) const {
  if (slices.empty()) throw InputError(source, "holds no CT slices");
  if (index < 0) return slices[slices.size() / 2];
  if (index >= static_cast<int>(slices.size()))
    throw InputError(source, "slice " + std::to_string(index) + " requested, but the series has " +
                                 std::to_string(slices.size()) + " (0.." + std::to_string(slices.size() - 1) + ")");
  return slices[index];
}

bool looksLikeDicom(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[132] = {};
  if (!in.read(head, sizeof head)) return false;
  return std::memcmp(head + 128, "DICM", 4) == 0;
}

}  // namespace trustct
