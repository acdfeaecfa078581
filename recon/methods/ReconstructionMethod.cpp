#include "recon/methods/ReconstructionMethod.h"

#include "recon/core/Errors.h"

namespace trustct {

ReconstructionEnvironment ReconstructionEnvironment::make(const Geometry& g, const torch::Device& device,
                                                          const std::string& resourceDir) {
  return {RadonOperator::forGeometry(g), device, resourceDir};
}

void ReconstructionMethod::setMaxIterations(int n) {
  if (maxIterations() == 0) throw UsageError(displayName() + " is not iterative: it has no iteration cap");
  throw UsageError(displayName() + ": the iteration cap cannot be changed (" + std::to_string(n) + " asked)");
}

}  // namespace trustct
