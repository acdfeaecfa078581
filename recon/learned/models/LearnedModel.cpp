#include "recon/learned/models/LearnedModel.h"

#include <cmath>

#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Sha256.h"
#include "recon/methods/LAdmmSolver.h"
#include "recon/methods/TvMin.h"

namespace trustct {

ModelKind parseModelKind(const std::string& id) {
  for (ModelKind k : allModelKinds())
    if (modelId(k) == id) return k;
  throw UsageError("unknown learned model '" + id + "' (expected l2o, scale-l2o, ffpn or unet)");
}

std::string modelId(ModelKind kind) {
  switch (kind) {
    case ModelKind::ImplicitL2O: return "l2o";
    case ModelKind::ScaleL2O: return "scale-l2o";
    case ModelKind::FFpn: return "ffpn";
    case ModelKind::UNet: return "unet";
  }
  return "?";
}

std::string modelDisplayName(ModelKind kind) {
  switch (kind) {
    case ModelKind::ImplicitL2O: return "Implicit L2O";
    case ModelKind::ScaleL2O: return "Scale_L2O";
    case ModelKind::FFpn: return "F-FPN";
    case ModelKind::UNet: return "U-Net";
  }
  return "?";
}

const std::vector<ModelKind>& allModelKinds() {
  static const std::vector<ModelKind> kinds = {ModelKind::UNet, ModelKind::FFpn, ModelKind::ImplicitL2O,
                                               ModelKind::ScaleL2O};
  return kinds;
}

ModelSpec ModelSpec::defaults(ModelKind kind) {
  ModelSpec s;
  s.kind = kind;
  s.channels = kind == ModelKind::ImplicitL2O ? 28 : kind == ModelKind::ScaleL2O ? 16 : 0;
  // Scale_L2O's frozen values from the authors' configuration until a Bayesian optimisation replaces them.
  if (kind == ModelKind::ScaleL2O) s.steps = {0.1222, 0.1386, 0.1402, -6.1};
  s.maxIterations = kind == ModelKind::FFpn ? 100 : 200;
  return s;
}

nlohmann::json ModelSpec::toJson() const {
  nlohmann::json j = {{"kind", modelId(kind)}, {"max_iterations", maxIterations}, {"tolerance", tolerance}};
  if (kind == ModelKind::ImplicitL2O || kind == ModelKind::ScaleL2O) {
    j["channels"] = channels;
    j["initial_steps"] = {{"alpha", steps.alpha}, {"beta", steps.beta}, {"lambda", steps.lambda}, {"s", steps.s}};
    // Written only when set, so the cards (and weight fingerprints) of residual-prox models stay as they were.
    if (prox == ConvL2ONetImpl::Prox::Shrinkage) j["prox"] = "shrinkage";
    if (rLipschitz > 0) j["r_lipschitz"] = rLipschitz;
    if (relaxation != 1.0) j["relaxation"] = relaxation;
    if (contraction != 1.0) j["contraction"] = contraction;
    if (fixedKScale) j["k_scale"] = "fixed";
    if (tvWarmStart > 0) j["tv_warm_start"] = tvWarmStart;
  }
  if (kind == ModelKind::FFpn) j["lipschitz_gamma"] = lipschitzGamma;
  if (kind == ModelKind::UNet && boxOutput) j["box_output"] = true;  // only when set: older cards stay as they are
  return j;
}

nlohmann::json ModelSpec::trainedJson() const {
  nlohmann::json j = toJson();
  j.erase("max_iterations");
  j.erase("tolerance");
  return j;
}

ModelSpec ModelSpec::fromJson(const nlohmann::json& j, const std::string& source) {
  try {
    ModelSpec s = defaults(parseModelKind(j.at("kind").get<std::string>()));
    s.maxIterations = j.at("max_iterations").get<int>();
    s.tolerance = j.at("tolerance").get<double>();
    if (j.contains("channels")) s.channels = j.at("channels").get<int>();
    if (j.contains("initial_steps")) {
      const auto& st = j.at("initial_steps");
      s.steps = {st.at("alpha").get<double>(), st.at("beta").get<double>(), st.at("lambda").get<double>(),
                 st.at("s").get<double>()};
    }
    if (j.contains("lipschitz_gamma")) s.lipschitzGamma = j.at("lipschitz_gamma").get<double>();
    if (j.contains("prox")) s.prox = parseProxForm(j.at("prox").get<std::string>());
    if (j.contains("r_lipschitz")) s.rLipschitz = j.at("r_lipschitz").get<double>();
    if (j.contains("relaxation")) s.relaxation = j.at("relaxation").get<double>();
    if (j.contains("contraction")) s.contraction = j.at("contraction").get<double>();
    if (j.contains("k_scale")) {
      if (j.at("k_scale").get<std::string>() != "fixed") throw InputError(source, "model architecture: unknown k_scale");
      s.fixedKScale = true;
    }
    if (j.contains("box_output")) s.boxOutput = j.at("box_output").get<bool>();
    if (j.contains("tv_warm_start")) s.tvWarmStart = j.at("tv_warm_start").get<int>();
    // Bounded so that a card cannot make inference run for hours or allocate without limit.
    if (s.maxIterations < 1 || s.maxIterations > kMaxModelIterations || !(s.tolerance >= 0) || s.channels < 0 ||
        s.channels > kMaxModelChannels || !(s.rLipschitz >= 0) || s.tvWarmStart < 0 ||
        s.tvWarmStart > kMaxModelIterations ||
        !(s.relaxation >= 1.0 && s.relaxation < 2.0) || !(s.contraction > 0 && s.contraction <= 1.0))
      throw InputError(source, "model architecture has out-of-range values");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, std::string("malformed model architecture: ") + e.what());
  } catch (const UsageError& e) {
    throw InputError(source, e.what());
  }
}

ConvL2ONetImpl::Prox parseProxForm(const std::string& name) {
  if (name == "residual") return ConvL2ONetImpl::Prox::Residual;
  if (name == "shrinkage") return ConvL2ONetImpl::Prox::Shrinkage;
  throw UsageError("unknown prox form '" + name + "' (expected residual or shrinkage)");
}

ConvL2ONetImpl::Steps tvMinSteps() {
  const TvMinParameters tv = TvMinMethod::defaults();
  return {tv.alpha, tv.beta, tv.lambda, std::log(tv.epsilon)};
}

nlohmann::json LearnedModel::parameterReport() const { return {{"trainable", trainableParameters()}}; }

void LearnedModel::initialiseFrom(const LearnedModel& trained) {
  // The weights carry over whatever the output projection, the prox's contraction, a (nonzero) spectral
  // bound of L2O's N, the solver's relaxation or warm start (none is part of them; a model's own
  // bound is enforced on the copied weights).
  auto weightsLayout = [](const ModelSpec& s) {
    nlohmann::json j = s.trainedJson();
    for (const char* key : {"box_output", "contraction", "relaxation", "k_scale", "tv_warm_start"}) j.erase(key);
    if (j.value("r_lipschitz", 0.0) > 0) j["r_lipschitz"] = "bounded";
    return j;
  };
  if (weightsLayout(trained.spec()) != weightsLayout(spec_))
    throw UsageError("cannot initialise " + modelDisplayName(spec_.kind) + " from a " +
                     modelDisplayName(trained.spec().kind) + " with another architecture: " + trained.spec().toJson().dump());
  torch::NoGradGuard noGrad;
  const auto from = trained.module().named_parameters(), fromBuffers = trained.module().named_buffers();
  for (auto& p : module().named_parameters()) p.value().copy_(from[p.key()]);
  for (auto& b : module().named_buffers())  // a buffer only this spec has (K_scale) keeps its value
    if (const torch::Tensor* from = fromBuffers.find(b.key())) b.value().copy_(*from);
}

std::string LearnedModel::weightsFingerprint() const {
  std::string bytes = spec_.toJson().dump();
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    bytes += name;
    bytes.append(static_cast<const char*>(c.data_ptr()), c.numel() * sizeof(float));
  };
  for (const auto& p : module().named_parameters()) add(p.key(), p.value());
  for (const auto& b : module().named_buffers()) add(b.key(), b.value());
  return sha256Hex(bytes).substr(0, 16);
}

torch::Tensor learnedModelFbp(const FilteredBackProjection& fbp, const torch::Tensor& d) {
  torch::NoGradGuard noGrad;
  return fbp.reconstruct(d).unsqueeze(1);
}

// ---------------------------------------------------------------------------------------------- L2O

L2OModel::L2OModel(const ModelSpec& spec, std::shared_ptr<const RadonOperator> op)
    : LearnedModel(spec), op_(std::move(op)),
      net_(spec.channels, spec.kind == ModelKind::ImplicitL2O, spec.steps, spec.prox, spec.rLipschitz,
           spec.contraction, spec.fixedKScale) {
  // A shrinkage prox starts as TV-Min (ConvL2ONetImpl::initialiseAsTv); loaded weights replace this.
  if (spec.prox == ConvL2ONetImpl::Prox::Shrinkage) net_->initialiseAsTv();
  net_->enforceConvergenceRegion();
}

LearnedInference L2OModel::infer(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations, JobContext* ctx) {
  torch::NoGradGuard noGrad;
  net_->eval();
  LAdmmSolver solver(op_, *net_);
  const LAdmmResult r = solver.solve(d, net_->delta(d), startImage(d, fbp, ctx), net_->steps(),
                                     {spec_.tolerance, maxIterations, spec_.relaxation}, ctx);
  return {r.x, r.iterations, r.iterateResidual, r.sampleIterations};
}

LearnedModel::TrainingForward L2OModel::trainingForward(const torch::Tensor& d, const torch::Tensor& fbp,
                                                       int maxIterations, const TrainingProbes& probes) {
  net_->train();
  LAdmmSolver solver(op_, *net_);
  const torch::Tensor delta = net_->delta(d);
  LAdmmOptions options{spec_.tolerance, maxIterations - 1, spec_.relaxation};
  options.relaxLastIteration = true;  // so the differentiable step gives infer()'s iterate at this cap
  if (probes.earlyIterations > 0 && probes.earlyIterations < maxIterations)
    options.keepStateBefore = probes.earlyIterations;
  const LAdmmResult solved = solver.solve(d, delta.detach(), startImage(d, fbp, nullptr), net_->steps(), options, nullptr);
  LAdmmState last = solved.state;
  solver.step(last, d, delta, net_->steps());  // the one differentiable step (JFB)
  TrainingForward out{last.x, {}, {}};
  if (probes.earlyIterations > 0) {
    if (solved.keptState.x.defined()) {
      LAdmmState early = solved.keptState;
      solver.step(early, d, delta, net_->steps());
      out.early = early.x;
    } else {
      out.early = last.x;  // the solve converged before k (or k ≥ the cap): the cap-k image is the output
    }
  }
  if (probes.contraction && solved.previousState.x.defined()) {
    LAdmmState before = solved.previousState;
    solver.step(before, d, delta, net_->steps());
    // The relaxed map z ↦ z + ρ(T(z) − z) that the solve iterates, applied to both states.
    const torch::Tensor dz = solved.state.x - solved.previousState.x;
    const torch::Tensor moved = (1.0 - spec_.relaxation) * dz + spec_.relaxation * (last.x - before.x);
    out.contraction = moved.flatten(1).norm(2, 1) / dz.flatten(1).norm(2, 1).clamp_min(1e-12);
  }
  return out;
}

torch::Tensor L2OModel::startImage(const torch::Tensor& d, const torch::Tensor& fbp, JobContext* ctx) const {
  const torch::Tensor x0 = fbp.detach().clamp(0.0, 1.0);
  if (spec_.tvWarmStart == 0) return x0;
  // The TV solve reports no progress of its own (the model's solve is the job's progress bar) but is
  // cancellable between batches.
  if (ctx) ctx->throwIfCancelled();
  TvMinParameters tv = TvMinMethod::defaults();
  tv.maxIterations = spec_.tvWarmStart;
  const torch::Tensor x = solveTvMin(op_, d.detach(), x0, tv, nullptr).x;
  if (ctx) ctx->throwIfCancelled();
  return x;
}

void L2OModel::initialiseFrom(const LearnedModel& trained) {
  const auto* l2o = dynamic_cast<const L2OModel*>(&trained);
  // Scale_L2O's steps are frozen by its spec, so it only starts from a Scale_L2O of the same spec.
  if (!l2o || spec_.kind == ModelKind::ScaleL2O || l2o->spec().channels > spec_.channels)
    LearnedModel::initialiseFrom(trained);
  else
    net_->embed(*l2o->net_);
  net_->holdKScale();  // the trained K's scale, not this model's initial one
  net_->enforceConvergenceRegion(ConvL2ONetImpl::kFreshNormIterations);  // this spec's bounds, from step 0
}

nlohmann::json L2OModel::parameterReport() const {
  return {{"trainable", trainableParameters()},
          {"unique", net_->uniqueParameterCount()},
          {"paper_convention", net_->paperParameterCount()},
          {"steps_trainable", net_->trainsSteps()}};
}

namespace {

// ---------------------------------------------------------------------------------------------- F-FPN
// u ← T(u) = P(N_Θ(u)) with the measurement step P(v) = v − 1.99·S·Aᵀ(Av − d). S = diag(1/(AᵀA𝟙)) (ours:
// the papers' 1/nnz per column assumes the unnormalised A); for a nonnegative A this bounds
// ‖S^½AᵀAS^½‖ ≤ 1, so P is an averaged (nonexpansive) map. The network output is clamped to [0, 10] as
// in the authors' code, which leaves the box constraint to the certificate.
class FFpnModel : public LearnedModel {
 public:
  FFpnModel(const ModelSpec& spec, std::shared_ptr<const RadonOperator> op) : LearnedModel(spec), op_(std::move(op)) {
    torch::NoGradGuard noGrad;
    const int n = op_->geometry().imageSize;
    const torch::Tensor ones = torch::ones({1, n, n});
    precond_ = (1.0 / op_->adjoint(op_->forward(ones)).clamp_min(1e-6)).view({1, 1, n, n});
  }
  torch::nn::Module& module() override { return *net_; }

  LearnedInference infer(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations, JobContext* ctx) override {
    torch::NoGradGuard noGrad;
    net_->eval();
    LearnedInference out;
    torch::Tensor u = fbp.clamp(0.0, 1.0), residual;
    std::vector<int> first(d.size(0), 0);
    for (int k = 1; k <= maxIterations; ++k) {
      if (ctx) ctx->throwIfCancelled();
      const torch::Tensor next = apply(u, d);
      residual = (next - u).flatten(1).norm(2, 1);
      u = next;
      out.iterations = k;
      const torch::Tensor r = residual.to(torch::kCPU, torch::kFloat64).contiguous();
      for (size_t b = 0; b < first.size(); ++b)
        if (first[b] == 0 && r.data_ptr<double>()[b] <= spec_.tolerance) first[b] = k;
      if (ctx && k % 5 == 0) ctx->report(double(k) / maxIterations, "iteration " + std::to_string(k));
      if (residual.max().item<double>() <= spec_.tolerance) break;
    }
    out.x = u;
    if (residual.defined()) {
      const torch::Tensor r = residual.to(torch::kCPU, torch::kFloat64).contiguous();
      out.iterateResidual.assign(r.data_ptr<double>(), r.data_ptr<double>() + r.numel());
      for (int k : first) out.sampleIterations.push_back(k > 0 ? k : out.iterations);
    }
    return out;
  }

  torch::Tensor trainingOutput(const torch::Tensor& d, const torch::Tensor& fbp, int maxIterations) override {
    torch::Tensor u = infer(d, fbp, maxIterations - 1, nullptr).x;  // cap 0: the warm start
    net_->train();
    {
      // Lipschitz control as in the authors' code: measure T on a random perturbation, rescale N_Θ.
      torch::NoGradGuard noGrad;
      const torch::Tensor w = u + torch::randn_like(u);
      const double ratio = ((apply(w, d) - apply(u, d)).flatten(1).norm(2, 1).mean() /
                            (w - u).flatten(1).norm(2, 1).mean()).item<double>();
      net_->rescale(ratio, spec_.lipschitzGamma);
    }
    return apply(u, d);
  }

 private:
  torch::Tensor apply(const torch::Tensor& u, const torch::Tensor& d) {
    const torch::Tensor v = net_->forward(u).clamp(0.0, 10.0);
    const torch::Tensor g = op_->adjoint(op_->forward(v.squeeze(1)) - d).unsqueeze(1);
    return v - 1.99 * precond_.to(v.device()) * g;
  }

  std::shared_ptr<const RadonOperator> op_;
  FixedPointNet net_;
  torch::Tensor precond_;  // (1, 1, H, W), CPU; moved with the data
};

// ---------------------------------------------------------------------------------------------- U-Net
class UNetModel : public LearnedModel {
 public:
  explicit UNetModel(const ModelSpec& spec) : LearnedModel(spec) {}
  torch::nn::Module& module() override { return *net_; }
  LearnedInference infer(const torch::Tensor&, const torch::Tensor& fbp, int, JobContext* ctx) override {
    torch::NoGradGuard noGrad;
    net_->eval();
    if (ctx) ctx->throwIfCancelled();
    return {output(fbp), 0, {}, {}};
  }
  torch::Tensor trainingOutput(const torch::Tensor&, const torch::Tensor& fbp, int) override {
    net_->train();
    return output(fbp);
  }

 private:
  // With boxOutput the image is projected onto [0, 1] (training included, so the loss sees what inference
  // returns), as the L2O models' last x-update does.
  torch::Tensor output(const torch::Tensor& fbp) {
    const torch::Tensor x = net_->forward(fbp);
    return spec_.boxOutput ? x.clamp(0.0, 1.0) : x;
  }

  UNet net_;
};

}  // namespace

std::unique_ptr<LearnedModel> makeLearnedModel(const ModelSpec& spec, std::shared_ptr<const RadonOperator> op) {
  switch (spec.kind) {
    case ModelKind::ImplicitL2O:
    case ModelKind::ScaleL2O: return std::make_unique<L2OModel>(spec, std::move(op));
    case ModelKind::FFpn: return std::make_unique<FFpnModel>(spec, std::move(op));
    case ModelKind::UNet: return std::make_unique<UNetModel>(spec);
  }
  throw UsageError("unknown model kind");
}

}  // namespace trustct
