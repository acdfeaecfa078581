// The library side of training that the CLI and the wizard share: data sources, cancellation with a
// checkpoint, the step-size search's per-trial reports and publishing a user's model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "certs/Certifier.h"
#include "certs/DataRegularization.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/io/Lodopab.h"
#include "recon/learned/models/ModelStore.h"
#include "recon/learned/models/UserModels.h"
#include "recon/learned/training/StepSizeSearch.h"
#include "recon/learned/training/TrainingData.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;
using trustct::testing::tinyOperator;
namespace fs = std::filesystem;

namespace {

std::unique_ptr<LearnedModel> tinyScaleL2O(const std::shared_ptr<const RadonOperator>& op) {
  torch::manual_seed(1);
  ModelSpec spec = ModelSpec::defaults(ModelKind::ScaleL2O);
  spec.channels = 3;
  spec.maxIterations = 5;
  return makeLearnedModel(spec, op);
}

}  // namespace

TEST(TrainingData, DicomSeriesBecomesGroundTruthWithSimulatedSinograms) {
  const auto op = tinyOperator();
  TrainingDataSpec spec;
  spec.source = TrainingSource::Dicom;
  spec.path = std::string(TRUSTCT_TEST_DATA) + "/dicom/series_ct2";
  spec.count = 3;
  const TrainingSet set = spec.build(op);
  ASSERT_EQ(set.size(), 3);
  EXPECT_EQ(set.images.sizes(), (std::vector<int64_t>{3, 1, 32, 32}));
  EXPECT_GT(set.images.max().item<double>(), 0.1);  // a CT slice, not an empty grid
  EXPECT_TRUE(torch::isfinite(set.sinograms).all().item<bool>());
  EXPECT_EQ(set.description["source"], "dicom");
  spec.first = 2;  // only 4 slices: samples 2..4 do not exist
  try {
    spec.build(op);
    FAIL() << "built more samples than the series has";
  } catch (const InputError& e) {
    EXPECT_EQ(e.source(), spec.path);
    EXPECT_NE(std::string(e.what()).find("holds 4 samples"), std::string::npos) << e.what();
  }
  spec.path = std::string(TRUSTCT_TEST_DATA) + "/malformed/text_file.dcm";
  EXPECT_THROW(spec.build(op), InputError);
}

TEST(TrainingData, LodopabFolderReadsItsGroundTruthFilesInNameOrder) {
  const auto op = tinyOperator();
  const fs::path dir = freshDir("lodopab");
  // Two files of two samples each: file 000 is bright at small x (the model's left), file 001 at large x.
  const torch::Tensor low = torch::zeros({2, 362, 362}), high = torch::zeros({2, 362, 362});
  low.narrow(1, 0, 181).fill_(1);
  high.narrow(1, 181, 181).fill_(1);
  writeHdf5Stack((dir / "ground_truth_train_001.hdf5").string(), high);
  writeHdf5Stack((dir / "ground_truth_train_000.hdf5").string(), low);
  writeHdf5Stack((dir / "observation_train_000.hdf5").string(), torch::zeros({2, 1000, 513}));  // not ground truth
  TrainingDataSpec spec;
  spec.source = TrainingSource::Lodopab;
  spec.path = dir.string();
  spec.first = 1;
  spec.count = 3;
  const TrainingSet set = spec.build(op);
  ASSERT_EQ(set.size(), 3);
  const auto leftOverRight = [&](int64_t i) {
    const torch::Tensor image = set.images[i][0];
    return image.narrow(1, 0, 16).mean().item<double>() > image.narrow(1, 16, 16).mean().item<double>();
  };
  EXPECT_TRUE(leftOverRight(0));   // sample 1 of file 000
  EXPECT_FALSE(leftOverRight(1));  // samples 0 and 1 of file 001
  EXPECT_FALSE(leftOverRight(2));
  EXPECT_EQ(spec.open(op)->size(), 4);
  spec.path = (dir / "empty").string();
  fs::create_directories(spec.path);
  EXPECT_THROW(spec.build(op), InputError);
  fs::remove_all(dir);
}

TEST(Training, CancelCheckpointsAtTheBatchBoundaryAndResumeFinishesIdentically) {
  const auto op = tinyOperator();
  const TrainingSet data = TrainingSet::simulate(op, 8, 93, 0.015);
  const fs::path dir = freshDir("cancel");
  TrainingOptions o;
  o.batchSize = 4;
  o.epochs = 2;
  o.trainIterations = 5;
  o.checkpointPath = (dir / "checkpoint.pt").string();
  auto straight = tinyScaleL2O(op);
  {
    JobContext ctx("train");
    Trainer(*straight, torch::kCPU, o).run(data, TrainingSet{}, ctx);
  }
  fs::remove(dir / "checkpoint.pt");

  auto model = tinyScaleL2O(op);
  JobContext ctx("train");
  Trainer first(*model, torch::kCPU, o);
  std::vector<int64_t> steps;
  first.setObserver({[&](int64_t step, double) {
                       steps.push_back(step);
                       if (step == 1) ctx.requestCancel();  // seen at the next batch boundary
                     },
                     {}});
  EXPECT_THROW(first.run(data, TrainingSet{}, ctx), CancelledError);
  EXPECT_EQ(steps, (std::vector<int64_t>{1}));
  ASSERT_TRUE(fs::exists(dir / "checkpoint.pt"));

  auto resumed = tinyScaleL2O(op);
  o.resume = true;
  Trainer second(*resumed, torch::kCPU, o);
  second.setObserver({[&](int64_t step, double) { steps.push_back(step); }, {}});
  JobContext again("train");
  const TrainingResult r = second.run(data, TrainingSet{}, again);
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r.steps, 4);
  EXPECT_EQ(resumed->weightsFingerprint(), straight->weightsFingerprint());
  fs::remove_all(dir);
}

TEST(StepSizeSearch, ReportsEveryTrialAndLogsTheBest) {
  const auto op = tinyOperator();
  const auto env = ReconstructionEnvironment{op, torch::kCPU, ""};
  const fs::path dir = freshDir("search");
  StepSearchPlan plan;
  plan.trials = 3;
  plan.initial = 2;
  plan.trialSteps = 1;
  plan.channels = 2;
  plan.trialOptions.batchSize = 2;
  plan.trialOptions.trainIterations = 3;
  plan.trialOptions.validationIterations = 3;
  plan.train.count = 20;  // trials use 2
  plan.validation.count = 2;
  plan.validation.seed = 2;
  plan.logPath = (dir / "steps.json").string();
  std::vector<StepSearchTrial> seen;
  JobContext ctx("search");
  const nlohmann::json log = searchStepSizes(plan, env, ctx, [&](const StepSearchTrial& t) { seen.push_back(t); });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(seen[0].initialDesign);
  EXPECT_FALSE(seen[2].initialDesign);
  EXPECT_EQ(log["trials"].size(), 3u);
  EXPECT_EQ(log["training_subset"]["count"], 2);
  EXPECT_DOUBLE_EQ(seen.back().bestPsnr, log["best"]["validation_psnr"].get<double>());
  std::ifstream in(plan.logPath);
  const ConvL2ONetImpl::Steps best = bestSteps(nlohmann::json::parse(in), plan.logPath);
  EXPECT_DOUBLE_EQ(best.alpha, seen.back().bestSteps.alpha);
  fs::remove_all(dir);
}

TEST(UserModels, AModelThatDoesNotBeatFbpIsNotPublished) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const fs::path dir = freshDir("publish-baseline");
  const fs::path work = dir / "work", root = dir / "models";
  const auto model = tinyScaleL2O(op);
  std::ofstream(dir / "calibration.json") << "{}";  // publishing copies it; its content is the CLI's concern
  const auto publish = [&](const nlohmann::json& card, PublishOptions options = {}) {
    saveModel(*model, op->geometry(), work.string(), card);
    return publishModel(work.string(), (dir / "calibration.json").string(), root.string(), "mine", options);
  };
  const nlohmann::json below = {{"validation", {{"count", 4}, {"psnr", 8.45}, {"fbp_psnr", 21.3}}},
                                {"test", {{"count", 20}, {"psnr", 30.0}, {"fbp_psnr", 21.0}}}};
  EXPECT_NE(baselineProblem(below).find("validation PSNR (8.45 dB on 4 images) is not above FBP's"), std::string::npos);
  try {
    publish(below);
    ADD_FAILURE() << "a model below FBP was published";
  } catch (const BelowBaselineError& e) {
    EXPECT_NE(std::string(e.what()).find((work / "model.json").string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(root / "mine"));
  // No comparison recorded: refused too (an older card); a non-finite PSNR is not above anything.
  EXPECT_THROW(publish({{"training", {{"command", "test"}}}}), BelowBaselineError);
  EXPECT_THROW(publish({{"validation", {{"psnr", std::nan("")}, {"fbp_psnr", 20.0}}}}), BelowBaselineError);
  // The test set decides only without a validation set; the research override publishes anyway.
  EXPECT_EQ(baselineProblem({{"test", {{"psnr", 22.0}, {"fbp_psnr", 21.0}}}}), "");
  EXPECT_EQ(publish(below, PublishOptions{true}), (root / "mine").string());
  fs::remove_all(dir);
}

TEST(UserModels, PublishRegistersTheModelWithItsOwnCalibration) {
  const auto op = RadonOperator::forGeometry(Geometry::paperDefault());
  const auto env = ReconstructionEnvironment{op, torch::kCPU, ""};
  const fs::path dir = freshDir("publish");
  const fs::path work = dir / "work", root = dir / "models";
  const auto model = tinyScaleL2O(op);
  saveModel(*model, op->geometry(), work.string(),
            {{"training", {{"command", "test"}}}, {"validation", {{"count", 4}, {"psnr", 25.0}, {"fbp_psnr", 21.0}}}});
  EXPECT_THROW(checkUserModelName("../evil"), UsageError);
  EXPECT_THROW(publishModel(work.string(), (work / "calibration.json").string(), root.string(), "mine"), InputError);

  // Calibrate with the model as user:mine, as the wizard does before publishing.
  const auto method = loadUserModel(env, work.string(), "mine");
  EXPECT_EQ(method->id(), "user:mine");
  EXPECT_EQ(method->displayName(), "mine (Scale_L2O)");
  const SimulatedDataset calibrationSet(op, PhantomKind::Ellipses, 20, 500000, NoiseModel::parse("gaussian", 0.015), true);
  JobContext ctx("calibrate");
  const CertificateCalibration cal = calibrate(env, *method, suiteForModel(*method), calibrationSet, 0.95, 0.05, ctx);
  cal.save((work / "calibration.json").string());

  const std::string published = publishModel(work.string(), (work / "calibration.json").string(), root.string(), "mine");
  EXPECT_EQ(published, (root / "mine").string());
  EXPECT_EQ(userModelNames(root.string()), (std::vector<std::string>{"mine"}));
  registerUserModels(root.string());
  const auto fromRegistry = MethodRegistry::instance().create("user:mine", env);
  EXPECT_EQ(fromRegistry->fingerprint(), method->fingerprint());
  const Certifier certifier = Certifier::load(userCalibrationPath(published), env);
  EXPECT_TRUE(certifier.suite().find("data_regularization"));

  // Publishing again replaces the model in place; no staging folders stay behind.
  publishModel(work.string(), (work / "calibration.json").string(), root.string(), "mine");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(root)) entries += e.path().filename().string()[0] != '.' ? 1 : 100;
  EXPECT_EQ(entries, 1);
  fs::remove_all(dir);
}
