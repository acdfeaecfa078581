#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "certs/DataRegularization.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/learned/models/LearnedMethods.h"
#include "recon/learned/models/ModelStore.h"
#include "recon/learned/training/BayesianOptimizer.h"
#include "recon/learned/training/Trainer.h"
#include "recon/methods/LAdmmSolver.h"
#include "recon/methods/MethodRegistry.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;
using trustct::testing::tinyOperator;
namespace fs = std::filesystem;

namespace {

// The training loss without side effects: the fixed-point models' iterate at the cap (what the JFB step
// returns, minus F-FPN's Lipschitz rescaling), U-Net in training mode (batch statistics).
double mse(LearnedModel& m, const TrainingSet& s, int iterations) {
  torch::NoGradGuard noGrad;
  const torch::Tensor x = m.spec().kind == ModelKind::UNet ? m.trainingOutput(s.sinograms, s.fbp, iterations)
                                                           : m.infer(s.sinograms, s.fbp, iterations, nullptr).x;
  return torch::mse_loss(x, s.images).item<double>();
}

}  // namespace

TEST(LearnedNetworks, ParameterCountsAreExact) {
  ConvL2ONet scale(16, false, ConvL2ONetImpl::Steps{});
  EXPECT_EQ(countTrainableParameters(*scale), 19392);  // 75C² + 12C, steps frozen
  EXPECT_EQ(scale->uniqueParameterCount(), 19392);
  EXPECT_EQ(scale->paperParameterCount(), 19536);      // the papers' convention (Kᵀ counted separately)
  ConvL2ONet implicit(28, true, ConvL2ONetImpl::Steps{});
  EXPECT_EQ(countTrainableParameters(*implicit), 75 * 28 * 28 + 12 * 28 + 4);
  EXPECT_EQ(implicit->paperParameterCount(), 75 * 28 * 28 + 21 * 28 + 4);
  FixedPointNet ffpn;
  EXPECT_EQ(countTrainableParameters(*ffpn), 96307);
  UNet unet;
  EXPECT_EQ(countTrainableParameters(*unet), 533593);
}

TEST(LearnedNetworks, KTransposeIsTheExactAdjoint) {
  torch::manual_seed(3);
  ConvL2ONet net(5, false, ConvL2ONetImpl::Steps{});
  net->to(torch::kFloat64);
  const torch::Tensor x = torch::randn({2, 1, 20, 24}, torch::kFloat64);
  const torch::Tensor p = torch::randn({2, 5, 20, 24}, torch::kFloat64);
  const double lhs = (net->applyK(x) * p).sum().item<double>(), rhs = (x * net->applyKt(p)).sum().item<double>();
  EXPECT_NEAR(lhs, rhs, 1e-10 * std::fabs(lhs));
}

TEST(LearnedNetworks, UNetKeepsTheImageShape) {
  UNet unet;
  EXPECT_EQ(unet->forward(torch::zeros({2, 1, 128, 128})).sizes(), torch::IntArrayRef({2, 1, 128, 128}));
}

TEST(Jfb, LastStepGradientMatchesFiniteDifferences) {
  const auto op = tinyOperator();
  torch::manual_seed(11);
  ConvL2ONet net(3, true, ConvL2ONetImpl::Steps{0.5, 0.2, 0.3, -3.0});
  {
    // A generic point: R at PyTorch's default scale. At the near-identity initialisation the gradient is
    // too small (~1e-7) for a float32 central difference to resolve.
    torch::NoGradGuard noGrad;
    for (auto& p : net->named_parameters())
      if (p.key().rfind("R", 0) == 0) p.value().mul_(10.0);
  }
  const TrainingSet data = TrainingSet::simulate(op, 2, 77, 0.015);
  LAdmmSolver solver(op, *net);
  // The fixed-point state is a constant for JFB: only the last step carries gradients.
  const LAdmmState fixed =
      solver.solve(data.sinograms, net->delta(data.sinograms), data.fbp.clamp(0, 1), net->steps(), {1e-6, 30}, nullptr).state;
  auto loss = [&] {
    LAdmmState s = fixed;
    solver.step(s, data.sinograms, net->delta(data.sinograms), net->steps());
    return torch::mse_loss(s.x, data.images);
  };
  for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
  loss().backward();
  std::vector<torch::Tensor> direction;
  double analytic = 0;
  for (auto& p : net->parameters()) {
    direction.push_back(torch::randn_like(p) * (p.abs().mean() + 1e-2));
    analytic += (p.grad() * direction.back()).sum().item<double>();
  }
  auto shifted = [&](double eps) {
    torch::NoGradGuard noGrad;
    auto params = net->parameters();
    for (size_t i = 0; i < params.size(); ++i) params[i].add_(eps * direction[i]);
    const double l = loss().item<double>();
    for (size_t i = 0; i < params.size(); ++i) params[i].sub_(eps * direction[i]);
    return l;
  };
  const double eps = 1e-2;
  const double numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
  EXPECT_NEAR(analytic, numeric, 0.03 * std::fabs(numeric) + 1e-7) << "analytic " << analytic << " numeric " << numeric;
}

TEST(Jfb, TheLossSeesTheIterateInferenceReturns) {
  // Trained on iterate N + 1 but used at iterate N, a non-contractive learned iteration lost 4 dB.
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 2, 78, 0.015);
  for (ModelKind kind : {ModelKind::ScaleL2O, ModelKind::ImplicitL2O}) {
    SCOPED_TRACE(modelId(kind));
    torch::manual_seed(4);
    ModelSpec spec = ModelSpec::defaults(kind);
    spec.channels = 3;
    spec.tolerance = 0;  // exactly N iterations on both paths
    const auto model = makeLearnedModel(spec, op);
    for (int cap : {1, 7}) {
      const torch::Tensor trained = model->trainingOutput(data.sinograms, data.fbp, cap);
      EXPECT_TRUE(trained.requires_grad());
      const LearnedInference inferred = model->infer(data.sinograms, data.fbp, cap, nullptr);
      EXPECT_EQ(inferred.iterations, cap);
      EXPECT_LT((trained.detach() - inferred.x).abs().max().item<double>(), 1e-5) << "cap " << cap;
    }
  }
}

TEST(WarmStart, ImplicitL2OWidensAScaleModelAndStartsWhereItIs) {
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 2, 79, 0.015);
  torch::manual_seed(8);
  ModelSpec narrow = ModelSpec::defaults(ModelKind::ScaleL2O);
  narrow.channels = 3;
  const auto scale = makeLearnedModel(narrow, op);
  {
    torch::NoGradGuard noGrad;  // away from the near-identity initialisation, as after training
    for (auto& p : scale->module().named_parameters())
      if (p.key().rfind("R", 0) == 0) p.value().mul_(5.0);
  }
  ModelSpec wide = ModelSpec::defaults(ModelKind::ImplicitL2O);
  wide.channels = 6;
  wide.steps = narrow.steps;
  const auto fresh = makeLearnedModel(wide, op);
  const auto widened = makeLearnedModel(wide, op);
  widened->initialiseFrom(*scale);
  auto output = [&](LearnedModel& m) { return m.infer(data.sinograms, data.fbp, 10, nullptr).x; };
  const torch::Tensor reference = output(*scale);
  const double fromScale = (output(*widened) - reference).norm().item<double>();
  const double fromScratch = (output(*fresh) - reference).norm().item<double>();
  EXPECT_LT(fromScale, 0.1 * fromScratch) << fromScale << " vs " << fromScratch;
  // The new channels' small K and R still feed the old ones; R is scaled up here, so this is a loose bound.
  EXPECT_LT(fromScale, 0.05 * reference.norm().item<double>());

  // Any other pairing is refused by name rather than copied half-way.
  const auto unet = makeLearnedModel(ModelSpec::defaults(ModelKind::UNet), op);
  const auto ffpn = makeLearnedModel(ModelSpec::defaults(ModelKind::FFpn), op);
  EXPECT_THROW(unet->initialiseFrom(*ffpn), UsageError);
  EXPECT_THROW(scale->initialiseFrom(*widened), UsageError);
  const auto copy = makeLearnedModel(narrow, op);
  copy->initialiseFrom(*scale);
  EXPECT_EQ(copy->weightsFingerprint(), scale->weightsFingerprint());
}

TEST(Training, CosineScheduleEndsAtTheFinalRateAndStepSizesHaveTheirOwnGroup) {
  TrainingOptions o;
  o.learningRate = 1e-3;
  EXPECT_DOUBLE_EQ(Trainer::learningRateAt(o, 57, 100), 1e-3);  // constant without a final rate
  o.finalLearningRate = 1e-4;
  EXPECT_DOUBLE_EQ(Trainer::learningRateAt(o, 0, 100), 1e-3);
  EXPECT_NEAR(Trainer::learningRateAt(o, 99, 100), 1e-4, 1e-12);
  EXPECT_NEAR(Trainer::learningRateAt(o, 500, 100), 1e-4, 1e-12);  // resumed past the horizon
  double previous = 1;
  for (int k = 0; k < 100; ++k) {
    const double lr = Trainer::learningRateAt(o, k, 100);
    EXPECT_LE(lr, previous);
    previous = lr;
  }
  const auto op = tinyOperator();
  const auto implicit = makeLearnedModel(ModelSpec::defaults(ModelKind::ImplicitL2O), op);
  const auto scale = makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), op);
  EXPECT_EQ(implicit->stepSizeParameters().size(), 4u);
  EXPECT_TRUE(scale->stepSizeParameters().empty());  // frozen: buffers, not parameters
}

TEST(Training, TwoStepsLowerTheLossForEveryModel) {
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 6, 91, 0.015);
  for (ModelKind kind : allModelKinds()) {
    SCOPED_TRACE(modelId(kind));
    torch::manual_seed(5);
    ModelSpec spec = ModelSpec::defaults(kind);
    if (spec.channels) spec.channels = 4;
    const auto model = makeLearnedModel(spec, op);
    TrainingOptions o;
    o.batchSize = 6;
    o.trainIterations = 10;
    if (kind == ModelKind::FFpn) o.learningRate = 1e-4;  // its recipe's rate (docs/learned-methods.md)
    Trainer trainer(*model, torch::kCPU, o);
    torch::manual_seed(6);
    const double before = mse(*model, data, o.trainIterations);
    trainer.step(data.images, data.sinograms, data.fbp);
    trainer.step(data.images, data.sinograms, data.fbp);
    torch::manual_seed(6);
    const double after = mse(*model, data, o.trainIterations);
    EXPECT_LT(after, before);
  }
}

TEST(Training, ResumeContinuesExactlyWhereTheCheckpointStopped) {
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 8, 93, 0.015);
  const fs::path dir = freshDir("resume");
  auto train = [&](int64_t maxSteps, bool resume) {
    torch::manual_seed(1);
    ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
    spec.channels = 3;
    auto model = makeLearnedModel(spec, op);
    TrainingOptions o;
    o.batchSize = 4;
    o.epochs = 2;
    o.trainIterations = 5;
    o.maxSteps = maxSteps;
    o.resume = resume;
    o.checkpointPath = (dir / "checkpoint.pt").string();
    Trainer trainer(*model, torch::kCPU, o);
    JobContext ctx("train");
    trainer.run(data, TrainingSet{}, ctx);
    return model->weightsFingerprint();
  };
  const std::string straight = train(-1, false);
  fs::remove(dir / "checkpoint.pt");
  train(3, false);                       // stops inside the second epoch and checkpoints
  EXPECT_EQ(train(-1, true), straight);  // the resumed run ends with identical weights
  fs::remove_all(dir);
}

TEST(ModelStore, RoundTripsAndRefusesAnotherGeometry) {
  const auto tiny = tinyOperator();
  const fs::path dir = freshDir("store");
  torch::manual_seed(2);
  ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
  const auto model = makeLearnedModel(spec, tiny);
  saveModel(*model, tiny->geometry(), dir.string(), {{"training", {{"command", "test"}}}});
  const StoredModel back = loadModel(dir.string(), tiny, torch::kCPU);
  EXPECT_EQ(back.model->weightsFingerprint(), model->weightsFingerprint());
  EXPECT_TRUE(fs::exists(dir / "MODEL_CARD.md"));

  const auto paper = RadonOperator::forGeometry(Geometry::paperDefault());
  try {
    loadModel(dir.string(), paper, torch::kCPU);
    FAIL() << "loaded weights made for another geometry";
  } catch (const InputError& e) {
    EXPECT_EQ(e.source(), (dir / "model.json").string());
    EXPECT_NE(std::string(e.what()).find("another geometry"), std::string::npos) << e.what();
  }
  {
    std::ofstream(dir / "model.pt", std::ios::app) << "x";
  }
  try {
    loadModel(dir.string(), tiny, torch::kCPU);
    FAIL() << "loaded damaged weights";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("SHA-256"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

TEST(ModelStore, LearnedMethodsAreUnavailableWithoutWeights) {
  registerLearnedMethods();
  const fs::path empty = freshDir("noweights");
  const auto env = ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, empty.string());
  for (const auto& m : MethodRegistry::instance().methods(env)) {
    if (m.id == "fbp" || m.id == "tv") continue;
    EXPECT_FALSE(m.available) << m.id;
    EXPECT_NE(m.unavailableReason.find("model.json"), std::string::npos) << m.unavailableReason;
  }
  EXPECT_THROW(MethodRegistry::instance().create("scale-l2o", env), InputError);
  fs::remove_all(empty);
}

TEST(DataRegularization, IsZeroAtAFixedPointOfR) {
  ConvL2ONet net(4, false, ConvL2ONetImpl::Steps{});
  {
    torch::NoGradGuard noGrad;
    for (auto& p : net->parameters())
      if (p.dim() == 1 || p.size(1) == 4) p.zero_();  // R = identity
  }
  DataRegularizationProperty property(net);
  const auto op = tinyOperator();
  const torch::Tensor x = torch::rand({32, 32});
  EXPECT_NEAR(property.evaluate({x, torch::zeros({12, 46}), op.get(), std::nullopt})->value, 0.0, 1e-6);
  torch::NoGradGuard noGrad;
  net->parameters()[1].fill_(0.01);  // R ≠ identity: nonzero residual
  EXPECT_GT(property.evaluate({x, torch::zeros({12, 46}), op.get(), std::nullopt})->value, 1e-4);
}

TEST(BayesianOptimization, GaussianProcessInterpolatesAndEiPrefersTheUnknown) {
  Rng rng(4);
  const torch::Tensor x = torch::linspace(0, 1, 8, torch::kFloat64).view({8, 1});
  const torch::Tensor y = torch::sin(6 * x).view({8});
  GaussianProcess gp;
  gp.fit(x, y, rng);
  torch::Tensor mean, sd;
  gp.predict(x, mean, sd);
  EXPECT_LT((mean - y).abs().max().item<double>(), 0.05);
  gp.predict(torch::tensor({{0.5 / 7}}, torch::kFloat64), mean, sd);
  EXPECT_NEAR(mean.item<double>(), std::sin(6 * 0.5 / 7), 0.1);
  const torch::Tensor ei = expectedImprovement(torch::tensor({0.0, 0.0}, torch::kFloat64),
                                               torch::tensor({0.01, 1.0}, torch::kFloat64), 0.5);
  EXPECT_GT(ei[1].item<double>(), ei[0].item<double>());
}
