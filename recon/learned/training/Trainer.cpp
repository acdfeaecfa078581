#include "recon/learned/training/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Metrics.h"
#include "recon/core/Rng.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/learned/training/DistributedGroup.h"
#include "recon/learned/models/ModelStore.h"

namespace trustct {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The visiting order of epoch `epoch`: a Fisher–Yates shuffle from our own Rng, so a resumed run sees
// exactly the batches an uninterrupted one would have seen.
std::vector<int64_t> epochOrder(int64_t n, uint64_t seed, int epoch) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng rng = Rng::forItem(seed ^ 0x73687566666c65ULL, static_cast<uint64_t>(epoch));
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[static_cast<int64_t>(rng.uniform() * (i + 1))]);
  return order;
}

}  // namespace

TrainingSet TrainingSet::simulate(std::shared_ptr<const RadonOperator> op, int64_t count, uint64_t seed, double noise,
                                  JobContext* ctx) {
  if (count < 1) throw UsageError("a training set needs at least one sample");
  SimulatedDataset data(op, PhantomKind::Ellipses, count, seed, NoiseModel::parse("gaussian", noise), true);
  FilteredBackProjection fbp(op, FbpFilter::Hann);
  TrainingSet set;
  const Geometry& g = op->geometry();
  set.images = torch::empty({count, 1, g.imageSize, g.imageSize});
  set.sinograms = torch::empty({count, g.numAngles, g.numBins});
  const int64_t chunk = 64;
  for (int64_t first = 0; first < count; first += chunk) {
    if (ctx) ctx->throwIfCancelled();
    const int64_t n = std::min(chunk, count - first);
    torch::Tensor images, sinos;
    data.batch(first, n, images, sinos);
    set.images.narrow(0, first, n).copy_(images.unsqueeze(1));
    set.sinograms.narrow(0, first, n).copy_(sinos);
    if (ctx) ctx->report(double(first + n) / count, "simulated " + std::to_string(first + n) + " samples");
  }
  set.fbp = learnedModelFbp(fbp, set.sinograms);
  set.description = {{"phantom", "ellipses"}, {"count", count},    {"seed", seed},
                     {"noise", "gaussian " + std::to_string(noise)}, {"analytic_sinograms", true}};
  return set;
}

TrainingSet TrainingSet::fromDataset(std::shared_ptr<const RadonOperator> op, const Dataset& data, int64_t first,
                                     int64_t count, nlohmann::json description, JobContext* ctx) {
  if (count < 1) throw UsageError("a training set needs at least one sample");
  const Geometry& g = op->geometry();
  TrainingSet set;
  set.images = torch::empty({count, 1, g.imageSize, g.imageSize});
  set.sinograms = torch::empty({count, g.numAngles, g.numBins});
  for (int64_t i = 0; i < count; ++i) {
    if (ctx) ctx->throwIfCancelled();
    const Sample s = data.get(first + i);
    if (!s.image.defined()) throw InputError(s.name, "training needs a ground-truth image");
    set.images[i][0].copy_(s.image);
    set.sinograms[i].copy_(s.sinogram);
    if (ctx) ctx->report(double(i + 1) / count, "loaded " + std::to_string(i + 1) + " samples");
  }
  set.fbp = learnedModelFbp(FilteredBackProjection(op, FbpFilter::Hann), set.sinograms);
  set.description = std::move(description);
  return set;
}

TrainingSet TrainingSet::slice(int64_t first, int64_t count) const {
  TrainingSet s{images.narrow(0, first, count), sinograms.narrow(0, first, count), fbp.narrow(0, first, count),
                description};
  s.description["count"] = count;
  s.description["first"] = first;
  return s;
}

double meanPsnr(LearnedModel& model, const TrainingSet& data, const torch::Device& device, int maxIterations,
                int batch, JobContext* ctx, double* meanSsim) {
  double sum = 0, ssimSum = 0;
  for (int64_t first = 0; first < data.size(); first += batch) {
    const int64_t n = std::min<int64_t>(batch, data.size() - first);
    const LearnedInference r = model.infer(data.sinograms.narrow(0, first, n).to(device),
                                           data.fbp.narrow(0, first, n).to(device), maxIterations, ctx);
    const torch::Tensor x = r.x.squeeze(1).to(torch::kCPU);
    for (int64_t i = 0; i < n; ++i) {
      sum += psnr(x[i], data.images[first + i][0]);
      if (meanSsim) ssimSum += ssim(x[i], data.images[first + i][0]);
    }
  }
  if (meanSsim) *meanSsim = ssimSum / double(data.size());
  return sum / double(data.size());
}

double meanPsnrAcrossRanks(LearnedModel& model, const TrainingSet& data, const torch::Device& device,
                           int maxIterations, int batch, JobContext* ctx, DistributedGroup* group, double* meanSsim) {
  if (!group) return meanPsnr(model, data, device, maxIterations, batch, ctx, meanSsim);
  const int64_t share = (data.size() + group->size() - 1) / group->size();
  const int64_t first = std::min<int64_t>(data.size(), group->rank() * share);
  const int64_t count = std::min<int64_t>(share, data.size() - first);
  double psnrSum = 0, ssimSum = 0;
  if (count > 0) {
    double ssimMean = 0;  // SSIM only where asked for (validation does not need it)
    psnrSum = count * meanPsnr(model, data.slice(first, count), device, maxIterations, batch, ctx,
                               meanSsim ? &ssimMean : nullptr);
    ssimSum = count * ssimMean;
  }
  const std::vector<double> sums = group->sum({psnrSum, ssimSum});
  if (meanSsim) *meanSsim = sums[1] / double(data.size());
  return sums[0] / double(data.size());
}

double fbpPsnr(const TrainingSet& data) {
  double sum = 0;
  for (int64_t i = 0; i < data.size(); ++i) sum += psnr(data.fbp[i][0], data.images[i][0]);
  return data.size() > 0 ? sum / double(data.size()) : 0.0;
}

namespace {

// Adam over the weights, plus a second parameter group for trainable step sizes: a step size moves the
// whole iteration, so it gets its own (usually smaller) learning rate.
std::vector<torch::optim::OptimizerParamGroup> parameterGroups(LearnedModel& model, const TrainingOptions& o) {
  const std::vector<torch::Tensor> steps = model.stepSizeParameters();
  std::vector<torch::Tensor> weights;
  for (const auto& p : model.module().parameters()) {
    bool isStep = false;
    for (const auto& q : steps) isStep = isStep || p.is_same(q);
    if (!isStep) weights.push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(weights, std::make_unique<torch::optim::AdamOptions>(o.learningRate));
  if (!steps.empty())
    groups.emplace_back(steps, std::make_unique<torch::optim::AdamOptions>(
                                   o.stepSizeLearningRate > 0 ? o.stepSizeLearningRate : o.learningRate));
  return groups;
}

}  // namespace

double Trainer::learningRateAt(const TrainingOptions& o, int64_t step, int64_t plannedSteps) {
  if (!(o.finalLearningRate > 0) || plannedSteps <= 1) return o.learningRate;
  const double t = std::min(1.0, double(step) / double(plannedSteps - 1));
  return o.finalLearningRate + 0.5 * (o.learningRate - o.finalLearningRate) * (1 + std::cos(M_PI * t));
}

Trainer::Trainer(LearnedModel& model, const torch::Device& device, TrainingOptions options)
    : model_(model), device_(device), options_(std::move(options)),
      optimizer_((model.to(device), parameterGroups(model, options_)), torch::optim::AdamOptions(options_.learningRate)) {
  if (options_.batchSize < 1) throw UsageError("batch size must be >= 1");
  if (options_.epochs < 1) throw UsageError("epochs must be >= 1");
  if (!(options_.learningRate > 0)) throw UsageError("learning rate must be > 0");
  if (options_.finalLearningRate > options_.learningRate)
    throw UsageError("the final learning rate must not exceed the learning rate");
  if (options_.trainIterations < 1 || options_.validationIterations < 1)
    throw UsageError("iteration caps must be >= 1");
}

Trainer::StepResult Trainer::step(const torch::Tensor& images, const torch::Tensor& sinograms, const torch::Tensor& fbp,
                                  int64_t globalCount) {
  const int64_t local = images.size(0), total = globalCount < 0 ? local : globalCount;
  StepResult result;
  double localLoss = 0, localContraction = 0;
  optimizer_.zero_grad();
  if (local > 0) {
    const LearnedModel::TrainingProbes probes{options_.ratePenalty > 0,
                                              options_.earlyLossWeight > 0 ? options_.earlyIterations : 0};
    const LearnedModel::TrainingForward out =
        model_.trainingForward(sinograms.to(device_), fbp.to(device_), options_.trainIterations, probes);
    const torch::Tensor target = images.to(device_);
    torch::Tensor loss = torch::mse_loss(out.x, target);
    if (out.early.defined()) loss = loss + options_.earlyLossWeight * torch::mse_loss(out.early, target);
    if (out.contraction.defined()) {
      localContraction = out.contraction.detach().mean().item<double>();
      loss = loss + options_.ratePenalty * (out.contraction - options_.rateTarget).clamp_min(0.0).pow(2).mean();
    }
    localLoss = loss.item<double>();
    // Weighted by this share of the global batch, so the summed gradients are the global batch's mean.
    if (std::isfinite(localLoss)) (loss * (double(local) / double(total))).backward();
  }
  result.loss = localLoss;
  result.contraction = options_.ratePenalty > 0 ? localContraction : -1;
  bool finite = std::isfinite(localLoss);
  const auto communicationStart = Clock::now();
  if (group_) {
    const std::vector<double> sums =
        group_->sum({finite ? localLoss * local : 0.0, localContraction * local, finite ? 0.0 : 1.0});
    result.loss = sums[0] / double(total);
    if (result.contraction >= 0) result.contraction = sums[1] / double(total);
    finite = sums[2] == 0;
  }
  if (!finite)  // every rank throws at the same step, before any optimiser step
    throw TrainingDiverged(modelDisplayName(model_.spec().kind) + " training diverged: the loss is not finite (lower " +
                           "the learning rate or change the step sizes)");
  if (group_) {
    std::vector<torch::Tensor> grads;
    for (auto& g : optimizer_.param_groups())
      for (auto& p : g.params()) {
        if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);  // a rank without samples this step
        grads.push_back(p.grad());
      }
    group_->sumInPlace(grads);
    result.communicationSeconds = since(communicationStart);
  }
  optimizer_.step();
  model_.afterOptimizerStep();
  return result;
}

double Trainer::validate(const TrainingSet& data, JobContext* ctx) {
  return meanPsnrAcrossRanks(model_, data, device_, options_.validationIterations, options_.batchSize, ctx, group_.get());
}

std::string Trainer::checkedWeightsFingerprint() const {
  const std::string fingerprint = model_.weightsFingerprint();
  return group_ ? group_->requireIdentical("the weights fingerprint", fingerprint) : fingerprint;
}

void Trainer::saveCheckpoint(const TrainingResult& r, int epoch, int64_t batchInEpoch) const {
  if (group_ && !group_->isRoot()) return;  // one writer; every rank holds the same state
  torch::serialize::OutputArchive archive, modelArchive, optimizerArchive;
  model_.module().save(modelArchive);
  optimizer_.save(optimizerArchive);
  archive.write("model", modelArchive);
  archive.write("optimizer", optimizerArchive);
  const nlohmann::json state = {{"epoch", epoch},           {"batch", batchInEpoch}, {"steps", r.steps},
                                {"last_loss", r.lastLoss},  {"validation_psnr", r.validationPsnr},
                                {"seconds", r.seconds},     {"history", r.history}, {"sessions", r.sessions},
                                {"spec", model_.spec().toJson()},
                                {"global_batch", options_.batchSize},
                                {"world_size", group_ ? group_->size() : 1}};
  archive.write("state", c10::IValue(state.dump()));
  const std::string bytes = serializedArchive(archive);
  writeFileAtomically(options_.checkpointPath, [&](std::ostream& out) { out << bytes; });
}

void Trainer::checkpointIfCancelled(const JobContext& ctx, const TrainingResult& r, int epoch, int64_t batchInEpoch) const {
  try {
    ctx.throwIfCancelled();
  } catch (const CancelledError&) {
    if (!options_.checkpointPath.empty()) saveCheckpoint(r, epoch, batchInEpoch);
    throw;
  }
}

bool Trainer::loadCheckpoint(TrainingResult& r, int& epoch, int64_t& batchInEpoch) {
  if (!std::filesystem::exists(options_.checkpointPath)) return false;
  try {
    torch::serialize::InputArchive archive, modelArchive, optimizerArchive;
    archive.load_from(options_.checkpointPath, device_);
    c10::IValue stateValue;
    archive.read("state", stateValue);
    const nlohmann::json state = nlohmann::json::parse(stateValue.toStringRef());
    // The inference settings (iteration cap, tolerance) are not training state and may change on resume.
    if (ModelSpec::fromJson(state.at("spec"), options_.checkpointPath).trainedJson() != model_.spec().trainedJson())
      throw InputError(options_.checkpointPath, "checkpoint was made for another model: " + state.at("spec").dump());
    // Any number of ranks may resume a checkpoint, with the global batch (hence the order) it was made with.
    if (state.contains("global_batch") && state.at("global_batch").get<int>() != options_.batchSize)
      throw UsageError(options_.checkpointPath + " was trained with a global batch of " +
                       std::to_string(state.at("global_batch").get<int>()) + "; resume with --batch " +
                       std::to_string(state.at("global_batch").get<int>()));
    archive.read("model", modelArchive);
    archive.read("optimizer", optimizerArchive);
    model_.module().load(modelArchive);
    optimizer_.load(optimizerArchive);
    epoch = state.at("epoch").get<int>();
    batchInEpoch = state.at("batch").get<int64_t>();
    r.steps = state.at("steps").get<int64_t>();
    r.lastLoss = state.at("last_loss").get<double>();
    r.validationPsnr = state.at("validation_psnr").get<double>();
    r.seconds = state.at("seconds").get<double>();
    r.history = state.at("history");
    r.sessions = state.value("sessions", nlohmann::json::array());
    r.epochsDone = epoch;
    return true;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(options_.checkpointPath, std::string("malformed checkpoint state: ") + e.what());
  } catch (const c10::Error& e) {
    throw InputError(options_.checkpointPath, std::string("cannot read checkpoint: ") + e.what_without_backtrace());
  }
}

TrainingResult Trainer::run(const TrainingSet& train, const TrainingSet& validation, JobContext& ctx) {
  TrainingResult r;
  int epoch = 0;
  int64_t firstBatch = 0;
  const int ranks = group_ ? group_->size() : 1, me = group_ ? group_->rank() : 0;
  if (options_.batchSize % ranks != 0)
    throw UsageError("the batch (" + std::to_string(options_.batchSize) + ", the global batch) must be a multiple of the " +
                     std::to_string(ranks) + " ranks");
  const int64_t perRank = options_.batchSize / ranks;
  if (!options_.checkpointPath.empty() && me == 0) {
    const std::filesystem::path folder = std::filesystem::path(options_.checkpointPath).parent_path();
    if (const int stale = removeStaleTemporaries(folder.empty() ? "." : folder.string()); stale > 0)
      ctx.report(0, "removed " + std::to_string(stale) + " temporary file(s) of an earlier, killed run");
  }
  if (options_.resume && !options_.checkpointPath.empty() && loadCheckpoint(r, epoch, firstBatch)) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "resumed at epoch %d, batch %lld (%lld steps)", epoch + 1,
                  static_cast<long long>(firstBatch), static_cast<long long>(r.steps));
    ctx.report(0, msg);
  } else {
    torch::manual_seed(options_.seed);
  }
  if (group_) {
    // Every rank must start from the same state: rank 0's weights on a fresh start; the same checkpoint
    // (a folder all ranks read) on a resume.
    std::vector<torch::Tensor> state;
    for (const auto& p : model_.module().parameters()) state.push_back(p);
    for (const auto& b : model_.module().buffers()) state.push_back(b);
    if (r.steps == 0) group_->broadcastFromRoot(state);
    group_->requireIdentical("the training state (step, epoch, batch; resumed ranks must read the same checkpoint, "
                             "e.g. one shared --out folder)",
                             std::to_string(r.steps) + "/" + std::to_string(epoch) + "/" + std::to_string(firstBatch) +
                                 "/" + model_.weightsFingerprint());
  }
  const int64_t n = train.size(), batches = (n + options_.batchSize - 1) / options_.batchSize;
  int64_t totalSteps = int64_t(options_.epochs) * batches;
  plannedSteps_ = totalSteps;  // the schedule spans all epochs, independent of --max-steps / sessions
  if (options_.maxSteps >= 0) totalSteps = std::min(totalSteps, options_.maxSteps);
  const auto t0 = Clock::now();
  r.sessions.push_back({{"note", options_.sessionNote}, {"first_step", r.steps}});
  const double priorSeconds = r.seconds;
  const int64_t priorSteps = r.steps;
  auto lastSave = Clock::now();
  bool stop = r.steps >= totalSteps;
  for (; epoch < options_.epochs && !stop; ++epoch) {
    const std::vector<int64_t> order = epochOrder(n, options_.seed, epoch);
    double lossSum = 0;
    int64_t lossCount = 0;
    bool epochComplete = true;
    for (int64_t b = firstBatch; b < batches; ++b) {
      checkpointIfCancelled(ctx, r, epoch, b);
      const int64_t first = b * options_.batchSize, count = std::min<int64_t>(options_.batchSize, n - first);
      // This rank's share of the global batch (all of it in one process; empty for late ranks of a short last batch).
      const int64_t mineFirst = first + std::min<int64_t>(count, me * perRank);
      const int64_t mineCount = std::clamp<int64_t>(count - me * perRank, 0, perRank);
      const torch::Tensor idx =
          torch::from_blob(const_cast<int64_t*>(order.data()) + mineFirst, {mineCount}, torch::kInt64).clone();
      const double scale = learningRateAt(options_, r.steps, plannedSteps_) / options_.learningRate;
      for (size_t g = 0; g < optimizer_.param_groups().size(); ++g) {
        const double base = g == 0 || !(options_.stepSizeLearningRate > 0) ? options_.learningRate
                                                                             : options_.stepSizeLearningRate;
        static_cast<torch::optim::AdamOptions&>(optimizer_.param_groups()[g].options()).lr(base * scale);
      }
      torch::manual_seed(options_.seed * 1000003ULL + static_cast<uint64_t>(r.steps));  // Lipschitz probes
      const StepResult done = step(train.images.index_select(0, idx), train.sinograms.index_select(0, idx),
                                   train.fbp.index_select(0, idx), count);
      r.lastLoss = done.loss;
      r.lastContraction = done.contraction;
      r.communicationSeconds += done.communicationSeconds;
      lossSum += r.lastLoss;
      ++lossCount;
      ++r.steps;
      if (group_) {
        group_->markProgress(r.steps);
        if (options_.checkWeightsEvery > 0 && r.steps % options_.checkWeightsEvery == 0) checkedWeightsFingerprint();
      }
      if (observer_.step) observer_.step(r.steps, r.lastLoss);
      r.seconds = priorSeconds + since(t0);
      r.sessions.back()["seconds"] = since(t0);
      r.sessions.back()["last_step"] = r.steps;
      char msg[240], rate[40] = "";
      if (r.lastContraction >= 0) std::snprintf(rate, sizeof rate, ", contraction %.4f", r.lastContraction);
      std::snprintf(msg, sizeof msg, "epoch %d/%d, batch %lld/%lld, loss %.3e%s, val PSNR %s", epoch + 1,
                    options_.epochs, static_cast<long long>(b + 1), static_cast<long long>(batches), r.lastLoss, rate,
                    r.history.empty() ? "n/a" : (std::to_string(r.validationPsnr).substr(0, 5) + " dB").c_str());
      // The fraction counts this session's steps only, so the hub's ETA stays right after a resume.
      ctx.report(double(r.steps - priorSteps) / double(std::max<int64_t>(1, totalSteps - priorSteps)), msg);
      bool timeUp = options_.maxSeconds > 0 && since(t0) >= options_.maxSeconds;
      if (group_ && options_.maxSeconds > 0) timeUp = group_->max({timeUp ? 1.0 : 0.0})[0] > 0;  // stop together
      if (r.steps >= totalSteps || timeUp) {
        stop = true;
        if (b + 1 < batches) {
          epochComplete = false;
          if (!options_.checkpointPath.empty()) saveCheckpoint(r, epoch, b + 1);
          break;
        }
      }
      if (!options_.checkpointPath.empty() && since(lastSave) >= options_.checkpointSeconds) {
        saveCheckpoint(r, epoch, b + 1);
        lastSave = Clock::now();
      }
    }
    if (!epochComplete) break;  // stopped inside an epoch (maxSteps): no epoch summary
    firstBatch = 0;
    if (validation.size() > 0) {
      try {
        r.validationPsnr = validate(validation, &ctx);
      } catch (const CancelledError&) {
        if (!options_.checkpointPath.empty()) saveCheckpoint(r, epoch, batches);  // resume validates this epoch
        throw;
      }
    }
    r.epochsDone = epoch + 1;
    r.seconds = priorSeconds + since(t0);
    r.history.push_back({{"epoch", epoch + 1},
                         {"mean_loss", lossCount ? lossSum / double(lossCount) : r.lastLoss},
                         {"validation_psnr", r.validationPsnr},
                         {"steps", r.steps},
                         {"seconds", r.seconds}});
    if (observer_.epoch) observer_.epoch(epoch + 1, r.history.back()["mean_loss"].get<double>(), r.validationPsnr);
    char msg[160];
    std::snprintf(msg, sizeof msg, "epoch %d/%d done: mean loss %.3e, val PSNR %.2f dB", epoch + 1, options_.epochs,
                  lossCount ? lossSum / double(lossCount) : r.lastLoss, r.validationPsnr);
    ctx.report(double(r.steps - priorSteps) / double(std::max<int64_t>(1, totalSteps - priorSteps)), msg);
    if (!options_.checkpointPath.empty()) {
      saveCheckpoint(r, epoch + 1, 0);
      lastSave = Clock::now();
    }
  }
  r.seconds = priorSeconds + since(t0);
  r.sessions.back()["seconds"] = since(t0);
  return r;
}

}  // namespace trustct
