// CertifiedReconstruction: the one path from a method's output to report, metrics and AlgorithmInfo.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "certs/CertifiedReconstruction.h"
#include "certs/Certifier.h"
#include "recon/core/Errors.h"
#include "recon/core/Job.h"
#include "recon/core/Metrics.h"
#include "recon/data/SimulatedDataset.h"
#include "recon/methods/FbpMethod.h"
#include "recon/methods/TvMin.h"

using namespace trustct;

namespace {
PropertyCalibration spread(double first, double step) {
  PropertyCalibration c;
  for (int i = 0; i < 20; ++i) c.values.push_back(first + step * i);
  return c;
}

class CertifiedReconstructionTest : public ::testing::Test {
 protected:
  CertifiedReconstructionTest()
      : env(ReconstructionEnvironment::make(Geometry::paperDefault(), torch::kCPU, "")),
        data(env.op, PhantomKind::Ellipses, 2, 4242, NoiseModel::parse("gaussian", 0.015), true) {
    CertificateCalibration cal;
    cal.modelId = "tv";
    cal.properties["box"] = spread(0, 0.01);
    cal.properties["fidelity"] = spread(0.01, 0.002);
    cal.properties["total_variation"] = spread(200, 20);
    cal.properties["iterate_residual"] = spread(1e-4, 1e-4);
    certifier.emplace(CertificateSuite::standard(), cal);
    for (int64_t i = 0; i < data.size(); ++i) samples.push_back(data.get(i));
  }
  torch::Tensor sinograms() const { return torch::stack({samples[0].sinogram, samples[1].sinogram}); }

  ReconstructionEnvironment env;
  SimulatedDataset data;
  std::vector<Sample> samples;
  std::optional<Certifier> certifier;
};
}  // namespace

TEST_F(CertifiedReconstructionTest, CertifiesEveryImageAsTheCertifierDoesAndMeasuresAgainstTheReference) {
  const FbpMethod fbp(env);
  const CertifiedReconstruction certified(fbp, &*certifier, *env.op);
  JobContext ctx("test");
  const std::vector<CertifiedResult> results = certified.run(sinograms(), {samples[0].image, samples[1].image}, ctx);
  ASSERT_EQ(results.size(), 2u);
  JobContext direct("direct");
  const ReconstructionOutput out = fbp.reconstruct(sinograms(), direct);
  for (size_t i = 0; i < results.size(); ++i) {
    const CertifiedResult& r = results[i];
    EXPECT_TRUE(torch::equal(r.image, out.images[int64_t(i)]));
    ASSERT_TRUE(r.report.has_value());
    const CertificateReport expected =
        certifier->certify("fbp", CertificateInput{out.images[int64_t(i)], samples[i].sinogram, env.op.get(), std::nullopt});
    EXPECT_EQ(r.report->toJson(), expected.toJson());
    EXPECT_FALSE(r.report->find("iterate_residual"));  // FBP is direct
    EXPECT_DOUBLE_EQ(*r.psnr, psnr(out.images[int64_t(i)], samples[i].image));
    EXPECT_DOUBLE_EQ(*r.ssim, ssim(out.images[int64_t(i)], samples[i].image));
    EXPECT_FALSE(r.iterations.has_value());
    EXPECT_FALSE(r.report->psnr.has_value());  // the report is the certifier's; the metrics join it on request
    const nlohmann::json measured = r.measuredReport().toJson();
    EXPECT_DOUBLE_EQ(measured["psnr"].get<double>(), *r.psnr);
    EXPECT_FALSE(measured.contains("iterations"));
  }
}

TEST_F(CertifiedReconstructionTest, CapturesWhatMadeTheImageWhenTheMethodRan) {
  const FbpMethod fbp(env);
  const CertifiedReconstruction certified(fbp, &*certifier, *env.op);
  JobContext ctx("test");
  const CertifiedResult r = certified.run(sinograms(), {}, ctx).at(0);
  EXPECT_EQ(r.algorithm.id, "fbp");
  EXPECT_EQ(r.algorithm.name, fbp.displayName());
  EXPECT_EQ(r.algorithm.fingerprint, fbp.fingerprint());
  EXPECT_EQ(r.algorithm.softwareVersion.rfind("TrustCT ", 0), 0u);
  EXPECT_EQ(r.algorithm.calibrationFingerprint, certifier->calibration().fingerprint());
  EXPECT_EQ(r.algorithm.calibrationFingerprint.size(), 16u);
  EXPECT_FALSE(r.psnr.has_value());  // no reference
}

TEST_F(CertifiedReconstructionTest, IterativeMethodsCarryIterationsResidualAndConvergence) {
  TvMinMethod tv(env);
  tv.setMaxIterations(3);
  const CertifiedReconstruction certified(tv, &*certifier, *env.op);
  JobContext ctx("test");
  const std::vector<CertifiedResult> results = certified.run(sinograms(), {samples[0].image, torch::Tensor()}, ctx);
  ASSERT_EQ(results.size(), 2u);
  for (const CertifiedResult& r : results) {
    EXPECT_EQ(r.iterations, 3);
    EXPECT_EQ(r.converged, false);
    ASSERT_TRUE(r.report->find("iterate_residual"));
    const nlohmann::json measured = r.measuredReport().toJson();
    EXPECT_EQ(measured["iterations"], 3);
    EXPECT_EQ(measured["converged"], false);
  }
  EXPECT_TRUE(results[0].psnr.has_value());
  EXPECT_FALSE(results[1].psnr.has_value());  // an undefined reference: no metrics for that image
}

TEST_F(CertifiedReconstructionTest, WithoutCertifierMetricsButNoReport) {
  const FbpMethod fbp(env);
  const CertifiedReconstruction certified(fbp, nullptr, *env.op);
  JobContext ctx("test");
  const CertifiedResult r = certified.run(sinograms(), {samples[0].image, samples[1].image}, ctx).at(1);
  EXPECT_FALSE(r.report.has_value());
  EXPECT_TRUE(r.psnr.has_value());
  EXPECT_TRUE(r.algorithm.calibrationFingerprint.empty());
  EXPECT_THROW(r.measuredReport(), std::logic_error);
}

TEST_F(CertifiedReconstructionTest, RefusesAMismatchedReferenceListAndHonoursCancel) {
  const FbpMethod fbp(env);
  const CertifiedReconstruction certified(fbp, &*certifier, *env.op);
  JobContext ctx("test");
  EXPECT_THROW(certified.run(sinograms(), {samples[0].image}, ctx), UsageError);
  ctx.requestCancel();
  EXPECT_THROW(certified.run(sinograms(), {}, ctx), CancelledError);
}

TEST(CalibrationFingerprint, ChangesWithAnyValueOrThreshold) {
  CertificateCalibration a;
  a.modelId = "tv";
  a.properties["box"] = spread(0, 0.01);
  CertificateCalibration b = a;
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
  b.properties["box"].pPass = 0.9;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
  b = a;
  b.properties["box"].values.back() += 1e-9;
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}
