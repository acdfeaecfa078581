#include "recon/learned/models/Networks.h"

#include <cmath>

#include "recon/methods/FusedUpdates.h"

namespace trustct {
namespace F = torch::nn::functional;

namespace {

// PyTorch's default Conv2d initialisation: U(−1/√fan_in, 1/√fan_in) for weight and bias.
torch::Tensor uniformInit(std::vector<int64_t> shape, int64_t fanIn) {
  const double bound = 1.0 / std::sqrt(double(fanIn));
  return torch::empty(shape).uniform_(-bound, bound);
}

constexpr double kMinStep = 1e-6, kMaxStep = 1e4;
constexpr double kRInitScale = 0.1;
constexpr double kRSlope = 0.1;  // R's leaky ReLU

}  // namespace

ConvL2ONetImpl::ConvL2ONetImpl(int channels, bool trainSteps, Steps initial, Prox prox, double rLipschitz,
                               double contraction, bool fixedKScale)
    : channels_(channels), trainSteps_(trainSteps), prox_(prox), rLipschitz_(rLipschitz), contraction_(contraction) {
  TORCH_CHECK(channels >= 1, "ConvL2ONet: channels must be >= 1");
  TORCH_CHECK(contraction > 0 && contraction <= 1, "ConvL2ONet: contraction must be in (0, 1]");
  const int64_t c = channels;
  kWeight_ = register_parameter("K", uniformInit({c, 1, 3, 3}, 9));
  // R starts near the identity (ours: residual branches at a tenth of the default scale). With the
  // default scale each untrained layer amplifies p by about √(4/3), R by about 1.5, and the carried
  // L-ADMM state grows geometrically until the first training steps return NaN.
  for (int i = 0; i < 3; ++i) {
    rWeight_.push_back(
        register_parameter("R" + std::to_string(i) + "_weight", uniformInit({c, c, 5, 5}, 25 * c) * kRInitScale));
    rBias_.push_back(register_parameter("R" + std::to_string(i) + "_bias", uniformInit({c}, 25 * c) * kRInitScale));
  }
  auto scalar = [&](const std::string& name, double v) {
    torch::Tensor t = torch::tensor(v, torch::kFloat32);
    return trainSteps ? register_parameter(name, t) : register_buffer(name, t);
  };
  logAlpha_ = scalar("log_alpha", std::log(initial.alpha));
  logBeta_ = scalar("log_beta", std::log(initial.beta));
  logLambda_ = scalar("log_lambda", std::log(initial.lambda));
  s_ = scalar("s", initial.s);
  clampSteps();
  if (fixedKScale) kScale_ = register_buffer("K_scale", torch::zeros({}));
  if (rLipschitz > 0) {
    kVector_ = register_buffer("K_u", torch::randn({1, 1, 128, 128}));
    for (size_t i = 0; i < rWeight_.size(); ++i)
      rVectors_.push_back(register_buffer("R" + std::to_string(i) + "_u", torch::randn({1, c, 64, 64})));
    normIterations_ = kFreshNormIterations;  // the first enforceConvergenceRegion() (L2OModel's constructor) starts the vectors
  }
}

torch::Tensor ConvL2ONetImpl::applyK(const torch::Tensor& x) const {
  return F::conv2d(x, kWeight_, F::Conv2dFuncOptions().padding(1));
}

torch::Tensor ConvL2ONetImpl::applyKt(const torch::Tensor& p) const {
  // conv_transpose2d with the same (C, 1, 3, 3) tensor is the exact adjoint of applyK.
  return F::conv_transpose2d(p, kWeight_, F::ConvTranspose2dFuncOptions().padding(1));
}

torch::Tensor ConvL2ONetImpl::applyR(const torch::Tensor& p) const {
  torch::Tensor q = p;
  for (size_t i = 0; i < rWeight_.size(); ++i)
    q = q + F::leaky_relu(F::conv2d(q, rWeight_[i], F::Conv2dFuncOptions().bias(rBias_[i]).padding(2)),
                          F::LeakyReLUFuncOptions().negative_slope(kRSlope));
  return q;
}

torch::Tensor ConvL2ONetImpl::proxNoGrad(const torch::Tensor& p, double lambda) const {
  torch::Tensor q = p;
  for (size_t i = 0; i < rWeight_.size(); ++i)
    q = fused::residualLeakyRelu(F::conv2d(q, rWeight_[i], F::Conv2dFuncOptions().bias(rBias_[i]).padding(2)), q, kRSlope);
  if (prox_ == Prox::Shrinkage) return fused::softShrink(q, lambda, contraction_);
  return contraction_ == 1.0 ? q : q.mul_(contraction_);
}

torch::Tensor ConvL2ONetImpl::prox(const torch::Tensor& p, const torch::Tensor& lambda) const {
  torch::Tensor q = applyR(p);
  if (prox_ == Prox::Shrinkage) q = q - q.clamp(-lambda, lambda);  // soft thresholding S_λ(q) = sign(q)·max(|q| − λ, 0)
  return contraction_ == 1.0 ? q : contraction_ * q;
}

LAdmmSteps ConvL2ONetImpl::steps() const { return {logAlpha_.exp(), logBeta_.exp(), logLambda_.exp()}; }

ConvL2ONetImpl::Steps ConvL2ONetImpl::stepValues() const {
  return {std::exp(logAlpha_.item<double>()), std::exp(logBeta_.item<double>()), std::exp(logLambda_.item<double>()),
          s_.item<double>()};
}

torch::Tensor ConvL2ONetImpl::delta(const torch::Tensor& d) const { return s_.exp() * d.flatten(1).norm(2, 1); }

void ConvL2ONetImpl::clampSteps() {
  torch::NoGradGuard noGrad;
  for (torch::Tensor* t : {&logAlpha_, &logBeta_, &logLambda_}) t->clamp_(std::log(kMinStep), std::log(kMaxStep));
  s_.clamp_(-20.0, 0.0);
}

namespace {

// One power-iteration step for the operator norm of v ↦ op(v) with adjoint opT; returns the estimate
// and keeps the normalised vector in `v`.
template <typename Op, typename OpT>
double powerStep(torch::Tensor& v, Op op, OpT opT, int iterations) {
  double norm = 0;
  for (int i = 0; i < iterations; ++i) {
    const torch::Tensor w = opT(op(v / v.norm()));
    const double n = w.norm().item<double>();
    if (!(n > 0)) return 0;
    norm = std::sqrt(n);
    v.copy_(w);  // in place: v may be a registered buffer
  }
  return norm;
}

}  // namespace

double ConvL2ONetImpl::kNorm(int64_t size, int iterations) const {
  torch::NoGradGuard noGrad;
  torch::Tensor v = torch::randn({1, 1, size, size}, kWeight_.options());
  return powerStep(v, [&](const torch::Tensor& t) { return applyK(t); },
                   [&](const torch::Tensor& t) { return applyKt(t); }, iterations);
}

double ConvL2ONetImpl::kFrobeniusNorm() const { return kWeight_.detach().norm().item<double>(); }

void ConvL2ONetImpl::holdKScale() {
  torch::NoGradGuard noGrad;
  if (kScale_.defined()) kScale_.fill_(kFrobeniusNorm());
}

void ConvL2ONetImpl::enforceConvergenceRegion(int powerIterations) {
  clampSteps();
  torch::NoGradGuard noGrad;
  if (kScale_.defined()) {
    if (!(kScale_.item<double>() > 0)) kScale_.fill_(kFrobeniusNorm());  // the scale training starts from
    const double norm = kFrobeniusNorm();
    if (norm > 0) kWeight_.mul_(kScale_.item<double>() / norm);
  }
  if (!(rLipschitz_ > 0)) return;
  if (powerIterations > 0) normIterations_ = powerIterations;
  // λα ≤ 1 (only Implicit L2O's steps move).
  const double logSum = logAlpha_.item<double>() + logLambda_.item<double>();
  if (logSum > 0) logLambda_.sub_(logSum);
  // N's convolutions: spectral norm ≤ rLipschitz (on 64² images; the norm of a 5×5 convolution hardly
  // depends on the size beyond a few kernel widths).
  const auto options = F::Conv2dFuncOptions().padding(2);
  const auto optionsT = F::ConvTranspose2dFuncOptions().padding(2);
  for (size_t i = 0; i < rWeight_.size(); ++i) {
    const double norm = powerStep(
        rVectors_[i], [&](const torch::Tensor& t) { return F::conv2d(t, rWeight_[i], options); },
        [&](const torch::Tensor& t) { return F::conv_transpose2d(t, rWeight_[i], optionsT); }, normIterations_);
    if (norm > rLipschitz_) rWeight_[i].mul_(rLipschitz_ / norm);
  }
  // αβ(‖K‖² + ‖A‖²) ≤ 0.98 with ‖A‖ = 1.
  const double alphaBeta = std::exp(logAlpha_.item<double>() + logBeta_.item<double>());
  const double bound2 = 0.98 / alphaBeta - 1.0;
  const double kn = powerStep(kVector_, [&](const torch::Tensor& t) { return applyK(t); },
                              [&](const torch::Tensor& t) { return applyKt(t); }, normIterations_);
  if (bound2 <= 0) {
    kWeight_.zero_();
  } else if (kn * kn > bound2) {
    kWeight_.mul_(std::sqrt(bound2) / kn);
  }
  normIterations_ = 3;  // the weights move little between optimiser steps: the vectors stay warm
}

void ConvL2ONetImpl::initialiseAsTv() {
  torch::NoGradGuard noGrad;
  TORCH_CHECK(channels_ >= 2, "ConvL2ONet::initialiseAsTv needs at least 2 channels");
  kWeight_.mul_(0.1);
  kWeight_.narrow(0, 0, 2).zero_();
  // conv2d is a cross-correlation: (Kx)₀[i, j] = x[i, j+1] − x[i, j], (Kx)₁[i, j] = x[i+1, j] − x[i, j].
  kWeight_[0][0][1][1] = -1.0;
  kWeight_[0][0][1][2] = 1.0;
  kWeight_[1][0][1][1] = -1.0;
  kWeight_[1][0][2][1] = 1.0;
  for (size_t i = 0; i < rWeight_.size(); ++i) {
    rWeight_[i].mul_(0.1);  // 0.1 × the near-identity start: 1 % of the default scale
    rBias_[i].zero_();
  }
  normIterations_ = kFreshNormIterations;
}

std::vector<torch::Tensor> ConvL2ONetImpl::stepParameters() const {
  if (!trainSteps_) return {};
  return {logAlpha_, logBeta_, logLambda_, s_};
}

void ConvL2ONetImpl::embed(const ConvL2ONetImpl& trained) {
  TORCH_CHECK(trained.channels_ <= channels_, "ConvL2ONet::embed: the trained network has more channels (",
              trained.channels_, " > ", channels_, ")");
  torch::NoGradGuard noGrad;
  const int64_t c = trained.channels_;
  kWeight_.narrow(0, c, channels_ - c).mul_(0.1);
  kWeight_.narrow(0, 0, c).copy_(trained.kWeight_);
  for (size_t i = 0; i < rWeight_.size(); ++i) {
    rWeight_[i].narrow(0, 0, c).narrow(1, 0, c).copy_(trained.rWeight_[i]);
    rBias_[i].narrow(0, 0, c).copy_(trained.rBias_[i]);
  }
  if (trainSteps_ && trained.trainSteps_)
    for (auto [to, from] : {std::pair{&logAlpha_, &trained.logAlpha_}, {&logBeta_, &trained.logBeta_},
                            {&logLambda_, &trained.logLambda_}, {&s_, &trained.s_}})
      to->copy_(*from);
}

torch::Tensor ConvL2ONetImpl::regularizationResidual(const torch::Tensor& x) const {
  const torch::Tensor kx = applyK(x);
  return (kx - prox(kx, logLambda_.exp())).flatten(1).norm(2, 1);
}

int64_t ConvL2ONetImpl::uniqueParameterCount() const {
  const int64_t c = channels_;
  return 75 * c * c + 12 * c + (trainSteps_ ? 4 : 0);
}

int64_t ConvL2ONetImpl::paperParameterCount() const { return uniqueParameterCount() + 9 * int64_t(channels_); }

FixedPointNetImpl::FixedPointNetImpl() {
  const int64_t c = kChannels;
  const std::vector<std::pair<int64_t, int64_t>> io = {{1, c}, {c, c}, {c, c}, {c, c}, {c, c}, {c, c}, {c, c}, {c, 1}};
  for (const auto& [in, out] : io)
    convs_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1)));
  register_module("convs", convs_);
}

torch::Tensor FixedPointNetImpl::forward(const torch::Tensor& u) {
  const auto act = F::LeakyReLUFuncOptions().negative_slope(kSlope);
  auto conv = [&](size_t i, const torch::Tensor& t) { return convs_[i]->as<torch::nn::Conv2d>()->forward(t); };
  auto block = [&](size_t first, const torch::Tensor& t) {
    return F::leaky_relu(conv(first + 1, F::leaky_relu(conv(first, t), act)), act);
  };
  torch::Tensor h = block(0, u);
  h = h + block(2, h);
  h = h + block(4, h);
  return u + block(6, h);
}

void FixedPointNetImpl::rescale(double lipschitzRatio, double gamma) {
  if (!(lipschitzRatio > gamma)) return;
  torch::NoGradGuard noGrad;
  const double factor = std::pow(gamma / lipschitzRatio, 1.0 / double(convs_->size()));
  for (auto& p : parameters()) p.mul_(factor);
}

namespace {

torch::nn::Sequential contractBlock(int64_t in, int64_t out, int64_t k, int64_t pad) {
  using namespace torch::nn;
  return Sequential(Conv2d(Conv2dOptions(in, out, k).padding(pad)), BatchNorm2d(out), ReLU(),
                    Conv2d(Conv2dOptions(out, out, k).padding(pad)), BatchNorm2d(out), ReLU(),
                    MaxPool2d(MaxPool2dOptions(3).stride(2).padding(1)));
}

torch::nn::Sequential expandBlock(int64_t in, int64_t out) {
  using namespace torch::nn;
  return Sequential(Conv2d(Conv2dOptions(in, out, 3).padding(1)), BatchNorm2d(out), ReLU(),
                    Conv2d(Conv2dOptions(out, out, 3).padding(1)), BatchNorm2d(out), ReLU(),
                    ConvTranspose2d(ConvTranspose2dOptions(out, out, 3).stride(2).padding(1).output_padding(1)));
}

}  // namespace

UNetImpl::UNetImpl()
    : down1_(register_module("down1", contractBlock(1, 32, 7, 3))),
      down2_(register_module("down2", contractBlock(32, 64, 3, 1))),
      down3_(register_module("down3", contractBlock(64, 128, 3, 1))),
      up3_(register_module("up3", expandBlock(128, 64))),
      up2_(register_module("up2", expandBlock(128, 32))),
      up1_(register_module("up1", expandBlock(64, 1))) {}

torch::Tensor UNetImpl::forward(const torch::Tensor& x) {
  const torch::Tensor c1 = down1_->forward(x);
  const torch::Tensor c2 = down2_->forward(c1);
  const torch::Tensor c3 = down3_->forward(c2);
  const torch::Tensor u3 = up3_->forward(c3);
  const torch::Tensor u2 = up2_->forward(torch::cat({u3, c2}, 1));
  return x + up1_->forward(torch::cat({u2, c1}, 1));
}

int64_t countTrainableParameters(const torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters())
    if (p.requires_grad()) n += p.numel();
  return n;
}

}  // namespace trustct
