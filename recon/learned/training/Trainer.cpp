#include "recon/learned/training/Trainer.h"

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

Trainer::StepResult Trainer::step(const torch::Tensor& images, const torch::Tensor& sinograms, const torch::Tensor& fbp) {
  const LearnedModel::TrainingForward out = model_.trainingForward(sinograms.to(device_), fbp.to(device_),
                                                                   options_.trainIterations, options_.ratePenalty > 0);
  torch::Tensor loss = torch::mse_loss(out.x, images.to(device_));
  StepResult result;
  if (out.contraction.defined()) {
    result.contraction = out.contraction.detach().mean().item<double>();
    loss = loss + options_.ratePenalty * (out.contraction - options_.rateTarget).clamp_min(0.0).pow(2).mean();
  }
  result.loss = loss.item<double>();
  if (!std::isfinite(result.loss))
    throw TrainingDiverged(modelDisplayName(model_.spec().kind) + " training diverged: the loss is not finite (lower " +
                           "the learning rate or change the step sizes)");
  optimizer_.zero_grad();
  loss.backward();
  optimizer_.step();
  model_.afterOptimizerStep();
  return result;
}

double Trainer::validate(const TrainingSet& data, JobContext* ctx) {
  return meanPsnr(model_, data, device_, options_.validationIterations, options_.batchSize, ctx);
}

void Trainer::saveCheckpoint(const TrainingResult& r, int epoch, int64_t batchInEpoch) const {
  torch::serialize::OutputArchive archive, modelArchive, optimizerArchive;
  model_.module().save(modelArchive);
  optimizer_.save(optimizerArchive);
  archive.write("model", modelArchive);
  archive.write("optimizer", optimizerArchive);
  const nlohmann::json state = {{"epoch", epoch},           {"batch", batchInEpoch}, {"steps", r.steps},
                                {"last_loss", r.lastLoss},  {"validation_psnr", r.validationPsnr},
                                {"seconds", r.seconds},     {"history", r.history}, {"sessions", r.sessions},
                                {"spec", model_.spec().toJson()}};
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
  if (!options_.checkpointPath.empty()) {
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
      const torch::Tensor idx = torch::from_blob(const_cast<int64_t*>(order.data()) + first, {count}, torch::kInt64).clone();
      const double scale = learningRateAt(options_, r.steps, plannedSteps_) / options_.learningRate;
      for (size_t g = 0; g < optimizer_.param_groups().size(); ++g) {
        const double base = g == 0 || !(options_.stepSizeLearningRate > 0) ? options_.learningRate
                                                                             : options_.stepSizeLearningRate;
        static_cast<torch::optim::AdamOptions&>(optimizer_.param_groups()[g].options()).lr(base * scale);
      }
      torch::manual_seed(options_.seed * 1000003ULL + static_cast<uint64_t>(r.steps));  // Lipschitz probes
      const StepResult done = step(train.images.index_select(0, idx), train.sinograms.index_select(0, idx),
                                   train.fbp.index_select(0, idx));
      r.lastLoss = done.loss;
      r.lastContraction = done.contraction;
      lossSum += r.lastLoss;
      ++lossCount;
      ++r.steps;
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
      if (r.steps >= totalSteps || (options_.maxSeconds > 0 && since(t0) >= options_.maxSeconds)) {
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
