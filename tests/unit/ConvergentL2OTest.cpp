// The convergent L2O variant (docs/learned-methods.md, "Converged L2O"): a shrinkage prox that starts as
// TV-Min, L-ADMM's convergence region kept after every optimiser step, per-sample convergence reports.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "recon/core/Errors.h"
#include "recon/core/Metrics.h"
#include "recon/learned/models/LearnedModel.h"
#include "recon/learned/training/Trainer.h"
#include "recon/methods/LAdmmSolver.h"
#include "recon/methods/TvMin.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::tinyOperator;

namespace {

ModelSpec shrinkageSpec(double rLipschitz = 0.2) {
  ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
  spec.prox = ConvL2ONetImpl::Prox::Shrinkage;
  spec.rLipschitz = rLipschitz;
  spec.steps = tvMinSteps();
  return spec;
}

// Spectral norm of a convolution by a long power iteration from a fresh vector.
double convNorm(const torch::Tensor& weight, int64_t channels) {
  namespace F = torch::nn::functional;
  torch::NoGradGuard noGrad;
  torch::Tensor v = torch::randn({1, channels, 64, 64});
  double n = 0;
  for (int i = 0; i < 100; ++i) {
    const torch::Tensor w = F::conv_transpose2d(F::conv2d(v / v.norm(), weight, F::Conv2dFuncOptions().padding(2)),
                                                weight, F::ConvTranspose2dFuncOptions().padding(2));
    n = std::sqrt(w.norm().item<double>());
    v = w;
  }
  return n;
}

}  // namespace

TEST(ConvergentL2O, UntrainedShrinkageModelReconstructsAsTvMin) {
  const auto op = tinyOperator();
  torch::manual_seed(5);
  const TrainingSet data = TrainingSet::simulate(op, 4, 91, 0.015);
  auto model = makeLearnedModel(shrinkageSpec(), op);
  const LearnedInference l2o = model->infer(data.sinograms, data.fbp, 400, nullptr);

  const TvMinParameters tv = TvMinMethod::defaults();
  FiniteDifferenceProblem fd;
  LAdmmSolver solver(op, fd);
  const torch::Tensor delta = tv.epsilon * data.sinograms.flatten(1).norm(2, 1);
  const LAdmmResult ref = solver.solve(data.sinograms, delta, data.fbp.clamp(0, 1),
                                       LAdmmSteps::constant(tv.alpha, tv.beta, tv.lambda, torch::kCPU), {1e-3, 400}, nullptr);
  double diff = 0, gain = 0;
  for (int64_t i = 0; i < data.size(); ++i) {
    const double pl = psnr(l2o.x[i][0], data.images[i][0]), pt = psnr(ref.x[i][0], data.images[i][0]);
    diff += std::fabs(pl - pt) / double(data.size());
    gain += (pl - psnr(data.fbp[i][0].clamp(0, 1), data.images[i][0])) / double(data.size());
  }
  // The same iteration up to K's zero-padded boundary and the extra channels at a tenth: within 0.3 dB
  // of TV-Min, and well above the FBP it starts from (1.6 dB on this 12-angle 32² geometry).
  EXPECT_LT(diff, 0.3);
  EXPECT_GT(gain, 1.0);
}

TEST(ConvergentL2O, ConvergenceRegionHoldsAfterAnyOptimiserStep) {
  torch::manual_seed(8);
  const auto op = tinyOperator();
  auto model = makeLearnedModel(shrinkageSpec(0.2), op);
  auto* l2o = dynamic_cast<L2OModel*>(model.get());
  ASSERT_NE(l2o, nullptr);
  {
    torch::NoGradGuard noGrad;  // an optimiser step far out of the region
    for (auto& p : model->module().parameters()) p.mul_(10.0);
  }
  for (int i = 0; i < 5; ++i) model->afterOptimizerStep();
  const ConvL2ONet net = l2o->net();
  const auto params = net->named_parameters();
  for (int i = 0; i < 3; ++i)
    EXPECT_LE(convNorm(params["R" + std::to_string(i) + "_weight"], 16), 0.2 * 1.02) << "R layer " << i;
  const auto st = net->stepValues();
  const double k = net->kNorm(128, 100);
  EXPECT_LE(st.alpha * st.beta * (k * k + 1.0), 0.98 * 1.02);
  EXPECT_LE(st.alpha * st.lambda, 1.0 + 1e-6);
}

TEST(ConvergentL2O, InitialisingUnderATighterBoundEnforcesIt) {
  // A model started from one trained under a looser spectral bound holds its own bound from step 0.
  torch::manual_seed(9);
  const auto op = tinyOperator();
  auto loose = makeLearnedModel(shrinkageSpec(0.3), op);
  {
    torch::NoGradGuard noGrad;
    for (auto& p : loose->module().parameters()) p.mul_(100.0);  // R well past the loose bound
  }
  loose->afterOptimizerStep();
  auto tight = makeLearnedModel(shrinkageSpec(0.05), op);
  tight->initialiseFrom(*loose);
  const auto looseParams = dynamic_cast<L2OModel*>(loose.get())->net()->named_parameters();
  const auto params = dynamic_cast<L2OModel*>(tight.get())->net()->named_parameters();
  for (int i = 0; i < 3; ++i) {
    const std::string name = "R" + std::to_string(i) + "_weight";
    EXPECT_GT(convNorm(looseParams[name], 16), 0.3 * 0.9) << "R layer " << i;
    EXPECT_LE(convNorm(params[name], 16), 0.05 * 1.02) << "R layer " << i;
  }
  // Only a nonzero bound may differ: an unbounded N has no power-iteration buffers to carry over.
  auto unbounded = makeLearnedModel(shrinkageSpec(0.0), op);
  EXPECT_THROW(unbounded->initialiseFrom(*loose), UsageError);
}

TEST(ConvergentL2O, MeasuredContractionIsTheSolvesOwnRateAndDifferentiable) {
  // Deep in a linearly converging solve the residual shrinks by the slowest mode's factor per iteration;
  // trainingForward's estimate of that factor must agree with what inference observes.
  torch::manual_seed(10);
  const auto op = tinyOperator();
  ModelSpec spec = shrinkageSpec(0.2);
  spec.relaxation = 1.5;
  spec.contraction = 0.88;
  spec.tolerance = 0;  // run every iteration
  auto model = makeLearnedModel(spec, op);
  const TrainingSet data = TrainingSet::simulate(op, 2, 21, 0.015);
  const int k = 120;
  const LearnedInference a = model->infer(data.sinograms, data.fbp, k, nullptr);
  const LearnedInference b = model->infer(data.sinograms, data.fbp, k + 1, nullptr);
  const LearnedModel::TrainingForward out = model->trainingForward(data.sinograms, data.fbp, k + 1, {true, 0});
  ASSERT_TRUE(out.contraction.defined());
  EXPECT_TRUE(out.contraction.requires_grad());
  for (int i = 0; i < 2; ++i) {
    const double observed = b.iterateResidual[i] / a.iterateResidual[i];
    const double measured = out.contraction[i].item<double>();
    EXPECT_GT(measured, 0.5) << i;  // one step's ratio: it oscillates about the rate (rotating modes)
    EXPECT_LT(measured, 1.1) << i;
    EXPECT_NEAR(measured, observed, 0.02) << "image " << i;
  }
  // Off, or for a model without an iteration, nothing is measured.
  EXPECT_FALSE(model->trainingForward(data.sinograms, data.fbp, k + 1, {}).contraction.defined());
  auto unet = makeLearnedModel(ModelSpec::defaults(ModelKind::UNet), op);
  EXPECT_FALSE(unet->trainingForward(data.sinograms, data.fbp, 1, {true, 0}).contraction.defined());
}

TEST(ConvergentL2O, EarlyIterateIsTheImageAtThatCapAndDifferentiable) {
  // The cap-consistency loss is taken on exactly what a reader would get from a solve capped at k
  // (over-relaxed iterates included), with gradients through its last step only, as JFB.
  torch::manual_seed(11);
  const auto op = tinyOperator();
  ModelSpec spec = shrinkageSpec(0.2);
  spec.relaxation = 1.9;
  spec.tolerance = 0;  // run every iteration
  auto model = makeLearnedModel(spec, op);
  const TrainingSet data = TrainingSet::simulate(op, 2, 22, 0.015);
  const int early = 7, cap = 30;
  const LearnedInference atEarly = model->infer(data.sinograms, data.fbp, early, nullptr);
  const LearnedInference atCap = model->infer(data.sinograms, data.fbp, cap, nullptr);
  const LearnedModel::TrainingForward out = model->trainingForward(data.sinograms, data.fbp, cap, {false, early});
  ASSERT_TRUE(out.early.defined());
  EXPECT_TRUE(out.early.requires_grad());
  EXPECT_LT((out.early.detach() - atEarly.x).abs().max().item<double>(), 1e-5);
  EXPECT_LT((out.x.detach() - atCap.x).abs().max().item<double>(), 1e-5);
  EXPECT_GT((out.early.detach() - out.x.detach()).abs().max().item<double>(), 1e-3);  // a different iterate
  out.early.sum().backward();
  double gradient = 0;
  for (const auto& p : model->module().parameters())
    if (p.grad().defined()) gradient += p.grad().abs().sum().item<double>();
  EXPECT_GT(gradient, 0);
  // A solve that converges before k returns its fixed point as the early image.
  spec.tolerance = 1e9;
  auto converged = makeLearnedModel(spec, op);
  const LearnedModel::TrainingForward quick = converged->trainingForward(data.sinograms, data.fbp, cap, {false, early});
  EXPECT_TRUE(torch::equal(quick.early, quick.x));
  EXPECT_FALSE(model->trainingForward(data.sinograms, data.fbp, cap, {}).early.defined());
}

TEST(ConvergentL2O, ResidualModelsKeepTheirCardAndWeightsFingerprint) {
  // The new keys are written only when set: a residual-prox card is unchanged, so shipped calibrations
  // bound to its fingerprint stay valid.
  const ModelSpec plain = ModelSpec::defaults(ModelKind::ScaleL2O);
  EXPECT_FALSE(plain.toJson().contains("prox"));
  EXPECT_FALSE(plain.toJson().contains("r_lipschitz"));
  const ModelSpec back = ModelSpec::fromJson(shrinkageSpec(0.3).toJson(), "test");
  EXPECT_EQ(back.prox, ConvL2ONetImpl::Prox::Shrinkage);
  EXPECT_DOUBLE_EQ(back.rLipschitz, 0.3);
}

TEST(ConvergentL2O, SolverReportsEachSamplesOwnIterationCount) {
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 2, 17, 0.015);
  // Sample 0: zero data from a zero start is a fixed point at once; sample 1 needs real iterations.
  torch::Tensor d = data.sinograms.clone(), x0 = data.fbp.clamp(0, 1).clone();
  d[0].zero_();
  x0[0].zero_();
  FiniteDifferenceProblem fd;
  LAdmmSolver solver(op, fd);
  const TvMinParameters tv = TvMinMethod::defaults();
  const LAdmmResult r = solver.solve(d, tv.epsilon * d.flatten(1).norm(2, 1), x0,
                                     LAdmmSteps::constant(tv.alpha, tv.beta, tv.lambda, torch::kCPU), {1e-3, 40}, nullptr);
  ASSERT_EQ(r.sampleIterations.size(), 2u);
  EXPECT_EQ(r.sampleIterations[0], 1);
  EXPECT_GT(r.sampleIterations[1], 1);
  EXPECT_LE(r.sampleIterations[1], r.iterations);
  EXPECT_LE(r.iterateResidual[0], 1e-3);
}

// The fused step (FusedUpdates.h) is the reference step up to float rounding, for both prox forms and
// for the channels-last layout it runs fastest in; with autograd on, step() takes the reference path.
TEST(ConvergentL2O, FusedStepMatchesTheReferenceStep) {
  const auto op = tinyOperator();
  torch::manual_seed(6);
  const TrainingSet data = TrainingSet::simulate(op, 3, 92, 0.015);
  for (const double rLipschitz : {0.0, 0.2}) {
    ModelSpec spec = rLipschitz > 0 ? shrinkageSpec(rLipschitz) : ModelSpec::defaults(ModelKind::ScaleL2O);
    auto model = makeLearnedModel(spec, op);
    const ConvL2ONet net = dynamic_cast<L2OModel&>(*model).net();
    LAdmmSolver solver(op, *net);
    torch::NoGradGuard noGrad;
    const torch::Tensor delta = net->delta(data.sinograms);
    LAdmmState reference = solver.initialState(data.fbp.clamp(0, 1), data.sinograms, delta);
    LAdmmState fused = LAdmmSolver::fusedLayout(reference);
    ASSERT_TRUE(LAdmmSolver::fusesStep(fused));
    EXPECT_TRUE(fused.p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    for (int k = 0; k < 5; ++k) {
      solver.referenceStep(reference, data.sinograms, delta, net->steps());
      solver.fusedStep(fused, data.sinograms, delta, net->steps());
    }
    for (auto [a, b] : {std::pair{reference.x, fused.x}, {reference.p, fused.p}, {reference.nu1, fused.nu1},
                        {reference.w, fused.w}, {reference.nu2, fused.nu2}}) {
      const double scale = a.abs().max().item<double>() + 1e-6;
      EXPECT_LT((a - b).abs().max().item<double>() / scale, 1e-4) << "prox " << int(spec.prox);
    }
    EXPECT_GT(reference.x.max().item<double>(), 0.0);
  }
  torch::AutoGradMode grad(true);
  LAdmmState s;
  s.x = torch::zeros({1, 1, 4, 4});
  EXPECT_FALSE(LAdmmSolver::fusesStep(s));
}

// A contracted prox c·R (--contraction) is the prox of a strongly convex prior: L-ADMM converges faster
// than with the plain ℓ₁-type prior (on the papers' geometry geometrically: docs/learned-methods.md). On
// this 32² geometry: 0.0044 against 0.0014 at 200 iterations, 0.0012 against 0.0005 at 400.
TEST(ConvergentL2O, ContractedProxConvergesFaster) {
  const auto op = tinyOperator();
  torch::manual_seed(9);
  const TrainingSet data = TrainingSet::simulate(op, 4, 93, 0.015);
  std::map<double, std::map<int, double>> worst;  // contraction → cap → largest residual
  for (const double c : {1.0, 0.88}) {
    ModelSpec spec = shrinkageSpec();
    spec.contraction = c;
    spec.relaxation = 1.5;
    spec.steps.alpha = 100;  // the shipped Scale_L2O's steps, on the region's boundary
    spec.steps.beta = 0.00098;
    spec.steps.lambda = 0.0099;
    spec.tolerance = 0;  // run to the cap
    torch::manual_seed(10);
    auto model = makeLearnedModel(spec, op);
    for (const int cap : {50, 200, 400}) {
      const LearnedInference r = model->infer(data.sinograms, data.fbp, cap, nullptr);
      worst[c][cap] = *std::max_element(r.iterateResidual.begin(), r.iterateResidual.end());
    }
    std::printf("contraction %.2f: largest residual %.3g at 50, %.3g at 200, %.3g at 400\n", c, worst[c][50], worst[c][200], worst[c][400]);
  }
  for (const int cap : {200, 400}) EXPECT_GT(worst[1.0][cap], 2 * worst[0.88][cap]) << cap;
  EXPECT_LT(worst[0.88][400], 1e-3);
  EXPECT_GT(worst[1.0][400], 1e-3);
}

TEST(ConvergentL2O, ContractionIsWrittenOnlyWhenSetAndChecked) {
  ModelSpec spec = shrinkageSpec();
  EXPECT_FALSE(spec.toJson().contains("contraction"));
  spec.contraction = 0.88;
  EXPECT_DOUBLE_EQ(ModelSpec::fromJson(spec.toJson(), "test").contraction, 0.88);
  for (const double bad : {0.0, 1.5}) {
    nlohmann::json j = spec.toJson();
    j["contraction"] = bad;
    EXPECT_THROW(ModelSpec::fromJson(j, "card.json"), InputError) << bad;
  }
  // The weights carry over: a contracted model starts from an uncontracted one of the same layout.
  const auto op = tinyOperator();
  auto from = makeLearnedModel(shrinkageSpec(), op);
  auto to = makeLearnedModel(spec, op);
  EXPECT_NO_THROW(to->initialiseFrom(*from));
}

TEST(ConvergentL2O, FixedKScaleHoldsTheScaleItStartsFromAndOnlyThat) {
  torch::manual_seed(9);
  const auto op = tinyOperator();
  auto trained = makeLearnedModel(shrinkageSpec(), op);
  {
    torch::NoGradGuard noGrad;  // a K of another scale than the fresh model's
    dynamic_cast<L2OModel&>(*trained).net()->named_parameters()["K"].mul_(0.5);
  }
  ModelSpec spec = shrinkageSpec();
  spec.fixedKScale = true;
  EXPECT_EQ(ModelSpec::fromJson(spec.toJson(), "test").fixedKScale, true);
  EXPECT_FALSE(shrinkageSpec().toJson().contains("k_scale"));  // older cards keep their fingerprints
  auto model = makeLearnedModel(spec, op);
  model->initialiseFrom(*trained);  // holds the trained K's scale, not the fresh model's
  const ConvL2ONet net = dynamic_cast<L2OModel&>(*model).net();
  const double held = net->kFrobeniusNorm();
  EXPECT_NEAR(held, dynamic_cast<L2OModel&>(*trained).net()->kFrobeniusNorm(), 1e-6);
  torch::Tensor k = net->named_parameters()["K"];
  const torch::Tensor before = k.detach().clone();
  {
    torch::NoGradGuard noGrad;  // an optimiser step that shrinks K and changes its shape
    k.mul_(0.3);
    k[0].add_(0.05);
  }
  model->afterOptimizerStep();
  EXPECT_NEAR(net->kFrobeniusNorm(), held, 1e-5 * held);
  EXPECT_FALSE(torch::allclose(k, before));  // the shape moved, the scale did not
  // The held scale travels with the weights (a buffer): a resumed or loaded model keeps it.
  EXPECT_TRUE(model->module().named_buffers().contains("K_scale"));
  EXPECT_FALSE(trained->module().named_buffers().contains("K_scale"));
}

TEST(ConvergentL2O, TvWarmStartStartsInferenceAndTrainingFromTvMinsImage) {
  ModelSpec spec = shrinkageSpec();
  EXPECT_FALSE(spec.toJson().contains("tv_warm_start"));  // older cards keep their fingerprints
  spec.tvWarmStart = 30;
  EXPECT_EQ(ModelSpec::fromJson(spec.toJson(), "test").tvWarmStart, 30);
  for (const int bad : {-1, kMaxModelIterations + 1}) {
    nlohmann::json j = spec.toJson();
    j["tv_warm_start"] = bad;
    EXPECT_THROW(ModelSpec::fromJson(j, "card.json"), InputError) << bad;
  }

  const auto op = tinyOperator();
  torch::manual_seed(13);
  const TrainingSet data = TrainingSet::simulate(op, 2, 92, 0.015);
  auto fromFbp = makeLearnedModel(shrinkageSpec(), op);
  auto warm = makeLearnedModel(spec, op);
  warm->initialiseFrom(*fromFbp);
  // One model iteration from TV-Min's 30-iterate is the FBP-started model's iteration from that image.
  TvMinParameters tv = TvMinMethod::defaults();
  tv.maxIterations = 30;
  const torch::Tensor tvImage = solveTvMin(op, data.sinograms, data.fbp.clamp(0, 1), tv, nullptr).x;
  const LearnedInference expected = fromFbp->infer(data.sinograms, tvImage, 1, nullptr);
  const LearnedInference got = warm->infer(data.sinograms, data.fbp, 1, nullptr);
  EXPECT_TRUE(torch::allclose(got.x, expected.x, 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(got.x, fromFbp->infer(data.sinograms, data.fbp, 1, nullptr).x, 1e-3, 1e-4));
  // Training sees the image inference returns at the same cap.
  torch::Tensor trained = warm->trainingOutput(data.sinograms, data.fbp, 3);
  EXPECT_TRUE(trained.requires_grad());
  EXPECT_TRUE(torch::allclose(trained.detach(), warm->infer(data.sinograms, data.fbp, 3, nullptr).x, 1e-4, 1e-5));
}
