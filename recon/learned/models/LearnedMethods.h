#pragma once
// The trained models as reconstruction methods (ids unet, ffpn, l2o, scale-l2o), available only where
// their weights and model card exist in resources/models/<id>/.
#include <memory>

#include "recon/learned/models/ModelStore.h"
#include "recon/methods/MethodRegistry.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class LearnedMethod : public ReconstructionMethod {
 public:
  // id / displayName empty: the model kind's (shipped models); a user's model has its own ("user:<name>").
  LearnedMethod(const ReconstructionEnvironment& env, StoredModel stored, std::string id = {},
                std::string displayName = {});
  // Loads resources/models/<id>/ for env's geometry and device (InputError naming the file otherwise).
  static std::unique_ptr<LearnedMethod> loadShipped(const ReconstructionEnvironment& env, ModelKind kind);

  std::string id() const override { return id_.empty() ? modelId(kind()) : id_; }
  std::string displayName() const override { return displayName_.empty() ? modelDisplayName(kind()) : displayName_; }
  int64_t parameterCount() const override { return stored_.model->trainableParameters(); }
  std::string fingerprint() const override;
  ReconstructionOutput reconstruct(const torch::Tensor& sinograms, JobContext& ctx) const override;
  // The card's cap unless changed here (the weights' fingerprint stays: the cap is an inference setting).
  int maxIterations() const override;
  void setMaxIterations(int n) override;

  ModelKind kind() const { return stored_.model->spec().kind; }
  LearnedModel& model() const { return *stored_.model; }
  const nlohmann::json& card() const { return stored_.card; }

 private:
  ReconstructionEnvironment env_;
  StoredModel stored_;
  std::string id_, displayName_;
  FilteredBackProjection fbp_;
  int maxIterations_ = 0;  // 0: the card's
};

// Adds unet, ffpn, l2o and scale-l2o to the registry (idempotent).
void registerLearnedMethods(MethodRegistry& registry = MethodRegistry::instance());

}  // namespace trustct
