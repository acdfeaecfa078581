// compare_models DIR_A DIR_B REL_TOL: loads two trained model folders and compares every parameter by its
// relative difference ‖a − b‖₂ / ‖a‖₂; exits 1 when one exceeds REL_TOL (the distributed-training test's
// check that 2 ranks train what one process with the same global batch does). The norm, not the largest
// element: Adam normalises each element's step, so an element whose gradient nearly cancels gets a full
// step of either sign from float rounding alone (one process on 1 and on 2 threads differs by 5e-5 in
// max|a − b| / max|a| after 4 steps).
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>

#include "recon/geometry/Geometry.h"
#include "recon/geometry/RadonOperator.h"
#include "recon/learned/models/ModelStore.h"

int main(int argc, char** argv) {
  if (argc != 4) return std::fprintf(stderr, "usage: compare_models DIR_A DIR_B REL_TOL\n"), 2;
  using namespace trustct;
  const auto op = std::make_shared<RadonOperator>(Geometry::paperDefault());
  const StoredModel a = loadModel(argv[1], op, torch::kCPU), b = loadModel(argv[2], op, torch::kCPU);
  const auto pa = a.model->module().named_parameters(), pb = b.model->module().named_parameters();
  double worst = 0;
  for (const auto& p : pa) {
    const torch::Tensor x = p.value().detach(), y = pb[p.key()].detach();
    const double rel = (x - y).norm().item<double>() / std::max(x.norm().item<double>(), 1e-30);
    std::printf("%-16s relative difference %.3e\n", p.key().c_str(), rel);
    worst = std::max(worst, rel);
  }
  std::printf("largest relative difference %.3e (tolerance %s)\n", worst, argv[3]);
  return worst <= std::atof(argv[3]) ? 0 : 1;
}
