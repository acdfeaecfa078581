#pragma once
// Training of the learned models: mini-batch Adam on the MSE to the ground truth, JFB for the
// fixed-point models (LearnedModel::trainingOutput), seeded shuffling, validation PSNR per epoch and
// atomic checkpoints every few minutes from which `resume` continues bit-for-bit in the same order.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <string>

#include "recon/data/Dataset.h"
#include "recon/data/Noise.h"
#include "recon/learned/models/LearnedModel.h"
#include "recon/methods/Fbp.h"

namespace trustct {

class DistributedGroup;
class JobContext;

// Ground truths with their noisy sinograms and FBPs (Ellipses by default), generated once and kept in memory.
struct TrainingSet {
  torch::Tensor images;     // (N, 1, H, W)
  torch::Tensor sinograms;  // (N, angles, bins)
  torch::Tensor fbp;        // (N, 1, H, W)
  nlohmann::json description;

  static TrainingSet simulate(std::shared_ptr<const RadonOperator> op, int64_t count, uint64_t seed, double noise,
                              JobContext* ctx = nullptr);
  // Samples [first, first + count) of any data set with ground truth (LoDoPaB-CT, DICOM series).
  static TrainingSet fromDataset(std::shared_ptr<const RadonOperator> op, const Dataset& data, int64_t first,
                                 int64_t count, nlohmann::json description, JobContext* ctx = nullptr);
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
  TrainingSet slice(int64_t first, int64_t count) const;
};

struct TrainingOptions {
  int epochs = 10;
  int batchSize = 16;          // the global batch: split evenly over the ranks of a distributed run
  double learningRate = 1e-3;
  double finalLearningRate = -1;      // < 0: constant; else cosine decay to it over all planned steps
  double stepSizeLearningRate = -1;   // Implicit L2O's α, β, λ, s (< 0: learningRate)
  int trainIterations = 50;    // iterations during training: all but the last without gradients (JFB)
  int validationIterations = 50;
  uint64_t seed = 0;           // shuffling, initialisation, Lipschitz probes
  std::string checkpointPath;  // empty: no checkpoints
  double checkpointSeconds = 300;
  bool resume = false;
  int64_t maxSteps = -1;       // stop after this many optimiser steps in total (< 0: all epochs)
  double maxSeconds = -1;      // stop (with a checkpoint) after this much wall time in this session
  std::string sessionNote;     // recorded per session in the result (the CLI's exact command)
  // Fixed-point models: loss += ratePenalty · mean_b max(0, q_b − rateTarget)², q_b the iteration's
  // measured contraction factor (LearnedModel::trainingForward); 0: off.
  double ratePenalty = 0;
  double rateTarget = 0.94;
  // Fixed-point models: loss += earlyLossWeight · MSE of the image a solve capped at earlyIterations returns
  // (cap consistency: the fixed point's quality is then also asked of the early iterate, so training
  // cannot buy it with a slower iteration; docs/learned-methods.md "Session 10"); 0: off.
  double earlyLossWeight = 0;
  int earlyIterations = 100;
  int checkWeightsEvery = 0;   // distributed: compare the ranks' weights every N steps (0: at the end only)
};

struct TrainingResult {
  int epochsDone = 0;
  int64_t steps = 0;
  double lastLoss = 0;
  double lastContraction = -1;  // batch mean of the measured contraction factor (< 0: not measured)
  double validationPsnr = 0;
  double seconds = 0;           // wall time over all sessions (resumes included)
  double communicationSeconds = 0;  // this session's time in the distributed collectives of the steps
  nlohmann::json history = nlohmann::json::array();  // per epoch: loss, validation PSNR, seconds
  nlohmann::json sessions = nlohmann::json::array();  // per run/resume: note, first step, seconds
};

// A training step whose loss is not finite. Thrown before the optimiser step, so the weights (and any
// checkpoint) keep the last finite state.
class TrainingDiverged : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Live values for charts (called on the training thread): every optimiser step, every finished epoch.
struct TrainingObserver {
  std::function<void(int64_t step, double loss)> step;
  std::function<void(int epoch, double meanLoss, double validationPsnr)> epoch;
};

class Trainer {
 public:
  Trainer(LearnedModel& model, const torch::Device& device, TrainingOptions options);
  void setObserver(TrainingObserver observer) { observer_ = std::move(observer); }
  // Data-parallel training (DistributedGroup.h): each rank takes its share of every global batch, the
  // gradients are summed over the ranks before each step, only rank 0 writes checkpoints. The result
  // equals a single process with the same global batch and seed up to float rounding — except that a
  // fixed-point solve stops when its own rank's samples have converged, not the whole global batch's.
  void setDistributed(std::shared_ptr<DistributedGroup> group) { group_ = std::move(group); }

  // Trains on `train`, validates on `validation` (if not empty) after each epoch. Reports "epoch e/E, loss, val PSNR".
  // Cancelled at a batch boundary, it first checkpoints there, so `resume` continues where it stopped.
  TrainingResult run(const TrainingSet& train, const TrainingSet& validation, JobContext& ctx);
  // The learning rate of optimiser step `step` (0-based): constant, or cosine from learningRate to
  // finalLearningRate over `plannedSteps`.
  static double learningRateAt(const TrainingOptions& o, int64_t step, int64_t plannedSteps);
  // One Adam step on a batch (CPU tensors): the loss before the step and, with TrainingOptions::ratePenalty,
  // the batch mean of the measured contraction factor (< 0: not measured). TrainingDiverged on NaN/inf.
  struct StepResult {
    double loss = 0;
    double contraction = -1;
    double communicationSeconds = 0;  // spent in the distributed collectives of this step
  };
  // In a distributed run the tensors are this rank's share (possibly empty) of a global batch of
  // `globalCount` samples, and the loss and contraction returned are the global batch's.
  StepResult step(const torch::Tensor& images, const torch::Tensor& sinograms, const torch::Tensor& fbp,
                  int64_t globalCount = -1);
  // Mean PSNR of the model's inference on `data` with the validation iteration cap.
  double validate(const TrainingSet& data, JobContext* ctx);
  // The weights fingerprint, checked to be identical on every rank of a distributed run.
  std::string checkedWeightsFingerprint() const;

 private:
  void saveCheckpoint(const TrainingResult& r, int epoch, int64_t batchInEpoch) const;
  // A pause/cancellation point at a batch boundary: cancelled, it checkpoints there before throwing.
  void checkpointIfCancelled(const JobContext& ctx, const TrainingResult& r, int epoch, int64_t batchInEpoch) const;
  bool loadCheckpoint(TrainingResult& r, int& epoch, int64_t& batchInEpoch);

  LearnedModel& model_;
  torch::Device device_;
  TrainingOptions options_;
  torch::optim::Adam optimizer_;
  int64_t plannedSteps_ = 0;  // epochs × batches (or maxSteps): the cosine schedule's horizon
  TrainingObserver observer_;
  std::shared_ptr<DistributedGroup> group_;
};

// Mean PSNR of `model`'s inferences on `data` (batches of `batch`), no gradients.
double meanPsnr(LearnedModel& model, const TrainingSet& data, const torch::Device& device, int maxIterations,
                int batch, JobContext* ctx, double* meanSsim = nullptr);
// The same mean with `data` split over the ranks of `group` (each infers its contiguous share), the
// same number on every rank; `group` null: meanPsnr.
double meanPsnrAcrossRanks(LearnedModel& model, const TrainingSet& data, const torch::Device& device,
                           int maxIterations, int batch, JobContext* ctx, DistributedGroup* group,
                           double* meanSsim = nullptr);
// Mean PSNR of the set's own FBP images (Hann filter, clamped: the learned models' warm start), the
// baseline a learned model has to beat on the same images (publishModel refuses a model below it).
double fbpPsnr(const TrainingSet& data);

}  // namespace trustct
