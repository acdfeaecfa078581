#pragma once
// Shared by the learned-model unit tests: a small geometry (every model is size-agnostic, and 32² keeps
// the tests fast) and a fresh scratch folder per test and process.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "recon/geometry/RadonOperator.h"

namespace trustct::testing {

inline std::shared_ptr<const RadonOperator> tinyOperator() {
  Geometry g;
  g.imageSize = 32;
  g.numAngles = 12;
  g.numBins = 46;
  return RadonOperator::forGeometry(g);
}

inline std::filesystem::path freshDir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("trustct_unit_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace trustct::testing
