#include "recon/ReconstructionMethod.h"

namespace trustct {

ReconstructionEnvironment ReconstructionEnvironment::make(const Geometry& g, const torch::Device& device,
                                                          const std::string& resourceDir) {
  return {RadonOperator::forGeometry(g), device, resourceDir};
}

}  // namespace trustct
