#pragma once
// One learned model (Implicit L2O, Scale_L2O, F-FPN or U-Net) as the trainer and the reconstruction
// method see it: inference without gradients, a differentiable training output (JFB for the fixed-point
// models: iterate without gradients, then one step with them) and its architecture as JSON.
#include <torch/torch.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "recon/geometry/RadonOperator.h"
#include "recon/learned/models/Networks.h"
#include "recon/methods/Fbp.h"

namespace trustct {

class JobContext;

enum class ModelKind { ImplicitL2O, ScaleL2O, FFpn, UNet };
ModelKind parseModelKind(const std::string& id);  // UsageError for unknown ids
std::string modelId(ModelKind kind);              // l2o, scale-l2o, ffpn, unet
std::string modelDisplayName(ModelKind kind);     // Implicit L2O, Scale_L2O, F-FPN, U-Net
const std::vector<ModelKind>& allModelKinds();
ConvL2ONetImpl::Prox parseProxForm(const std::string& name);  // residual, shrinkage; UsageError otherwise
// TV-Min's step sizes (TvMinParameters) as L2O steps, δ = ε‖d‖: the start of a shrinkage-prox model.
ConvL2ONetImpl::Steps tvMinSteps();

// Architecture and fixed settings: written to the model card, enough to rebuild the module before
// loading its weights.
// The most iterations a model card may ask for (the papers stop within 200; 10× the largest cap measured).
constexpr int kMaxModelIterations = 5000;
constexpr int kMaxModelChannels = 512;  // 75·512² ≈ 20 M parameters: far beyond any of the papers' models

struct ModelSpec {
  ModelKind kind = ModelKind::ScaleL2O;
  int channels = 16;                      // L2O: C
  ConvL2ONetImpl::Steps steps;            // L2O: initial (Implicit) or frozen (Scale) step sizes
  int maxIterations = 200;                // fixed-point models at inference
  double tolerance = 1e-3;                // stop when max_b ‖x^{k+1} − x^k‖₂ ≤ tolerance
  double lipschitzGamma = 0.99;           // F-FPN
  ConvL2ONetImpl::Prox prox = ConvL2ONetImpl::Prox::Residual;  // L2O: the learned prox's form
  double rLipschitz = 0;                  // L2O: spectral bound of N's convolutions (0: none)
  double relaxation = 1.0;                // L2O: over-relaxation ρ of the L-ADMM solve (LAdmmOptions)
  double contraction = 1.0;               // L2O: the learned prox scaled by 0 < c ≤ 1 (ConvL2ONetImpl)
  bool fixedKScale = false;               // L2O: ‖K‖_F held at its starting value (ConvL2ONetImpl)
  bool boxOutput = false;                 // U-Net: output projected onto [0, 1]
  // L2O: the solve starts from FBP refined by this many TV-Min iterations (TvMinParameters; 0: from FBP),
  // nearer the fixed point, so fewer of the model's own iterations reach the tolerance. Training starts
  // from the same image, so the loss sees what inference returns.
  int tvWarmStart = 0;

  static ModelSpec defaults(ModelKind kind);
  nlohmann::json toJson() const;
  // toJson() without the inference settings (iteration cap, tolerance), which may change after training.
  nlohmann::json trainedJson() const;
  static ModelSpec fromJson(const nlohmann::json& j, const std::string& source);  // InputError
};

struct LearnedInference {
  torch::Tensor x;                      // (B, 1, H, W)
  int iterations = 0;                   // 0 for direct networks
  std::vector<double> iterateResidual;  // per sample; empty for direct networks
  std::vector<int> sampleIterations;    // per sample: first iteration within tolerance, else the cap
};

class LearnedModel {
 public:
  virtual ~LearnedModel() = default;
  const ModelSpec& spec() const { return spec_; }
  virtual torch::nn::Module& module() = 0;
  const torch::nn::Module& module() const { return const_cast<LearnedModel*>(this)->module(); }

  // d: (B, angles, bins); fbp: (B, 1, H, W), FBP of d (warm start or network input). No gradients.
  virtual LearnedInference infer(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations,
                                 JobContext* ctx) = 0;
  // The output the loss is taken on; gradients flow to the parameters (through the last step only).
  // Fixed-point models: maxIterations − 1 iterations without gradients, then the differentiable one, so
  // the loss sees exactly the iterate that infer() returns with the same cap.
  virtual torch::Tensor trainingOutput(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations) = 0;
  // What trainingForward measures besides the output, for fixed-point models (docs/learned-methods.md):
  // - contraction: the factor along the solve's slowest direction (B), differentiable: after K
  //   iterations z_K − z_{K−1} is dominated by that direction, so ‖T(z_K) − T(z_{K−1})‖ / ‖z_K − z_{K−1}‖
  //   (in x) estimates the rate the solve converges at;
  // - earlyIterations k > 0: the iterate a solve capped at k returns, differentiable through its last
  //   step as the output is, so a loss on it trains the image at cap k towards the fixed point's.
  struct TrainingProbes {
    bool contraction = false;
    int earlyIterations = 0;
  };
  struct TrainingForward {
    torch::Tensor x;
    torch::Tensor contraction;  // undefined when not measured
    torch::Tensor early;        // undefined when not asked or the model is not an iteration
  };
  virtual TrainingForward trainingForward(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations,
                                          const TrainingProbes& probes) {
    (void)probes;
    return {trainingOutput(d, fbp, maxIterations), {}, {}};
  }

  // Trainable step sizes (Implicit L2O), optimised with their own learning rate; none by default.
  virtual std::vector<torch::Tensor> stepSizeParameters() { return {}; }
  // Projections after each optimiser step (step-size clamps); nothing by default.
  virtual void afterOptimizerStep() {}

  // Warm start from a trained model of the same architecture (all weights), or for Implicit L2O from a
  // narrower L2O model (ConvL2ONetImpl::embed). UsageError for any other pairing.
  virtual void initialiseFrom(const LearnedModel& trained);

  int64_t trainableParameters() const { return countTrainableParameters(module()); }
  // {"trainable": n, ...}: L2O models add "unique" and "paper_convention".
  virtual nlohmann::json parameterReport() const;
  // Stable digest of the weights and the spec: calibrations and caches are bound to it.
  std::string weightsFingerprint() const;

  // Moves the module to `device`; every input must then be on that device.
  void to(const torch::Device& device) { module().to(device); }

 protected:
  explicit LearnedModel(ModelSpec spec) : spec_(std::move(spec)) {}
  ModelSpec spec_;
};

std::unique_ptr<LearnedModel> makeLearnedModel(const ModelSpec& spec, std::shared_ptr<const RadonOperator> op);

// The L2O models expose their network (K, R and steps) for the data-driven regularisation certificate.
class L2OModel : public LearnedModel {
 public:
  L2OModel(const ModelSpec& spec, std::shared_ptr<const RadonOperator> op);
  torch::nn::Module& module() override { return *net_; }
  LearnedInference infer(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations, JobContext* ctx) override;
  torch::Tensor trainingOutput(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations) override {
    return trainingForward(d, fbp, maxIterations, {}).x;
  }
  TrainingForward trainingForward(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations,
                                  const TrainingProbes& probes) override;
  void afterOptimizerStep() override { net_->enforceConvergenceRegion(); }
  void initialiseFrom(const LearnedModel& trained) override;
  std::vector<torch::Tensor> stepSizeParameters() override { return net_->stepParameters(); }
  nlohmann::json parameterReport() const override;
  ConvL2ONet net() const { return net_; }

 private:
  torch::Tensor startImage(const torch::Tensor& d, const torch::Tensor& fbp, JobContext* ctx) const;

  std::shared_ptr<const RadonOperator> op_;
  ConvL2ONet net_;
};

// The FBP every learned model starts from: Hann-windowed (less noise for the warm start), unclamped.
torch::Tensor learnedModelFbp(const FilteredBackProjection& fbp, const torch::Tensor& d);

}  // namespace trustct
