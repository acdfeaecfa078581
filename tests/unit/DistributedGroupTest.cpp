// DistributedGroup's options and its collectives on a world of one process (the multi-process behaviour,
// faults included, is in tests/integration/distributed_*.sh).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>

#include "recon/core/Errors.h"
#include "recon/learned/training/DistributedGroup.h"

using namespace trustct;

TEST(DistributedOptions, RendezvousUrlIsParsedOrRefusedWithTheValue) {
  DistributedOptions o;
  o.setRendezvous("tcp://node-a.lab:29511");
  EXPECT_EQ(o.host, "node-a.lab");
  EXPECT_EQ(o.port, 29511);
  for (const char* bad : {"node-a:29511", "tcp://node-a", "tcp://:29511", "tcp://node-a:0", "tcp://node-a:70000",
                          "tcp://node-a:29x"}) {
    try {
      o.setRendezvous(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("rendezvous"), std::string::npos) << e.what();
    }
  }
}

TEST(DistributedOptions, TorchrunVariablesAreReadAndChecked) {
  setenv("WORLD_SIZE", "4", 1);
  setenv("RANK", "3", 1);
  setenv("MASTER_ADDR", "10.0.0.7", 1);
  setenv("MASTER_PORT", "29600", 1);
  const DistributedOptions o = DistributedOptions::fromEnvironment();
  EXPECT_EQ(o.worldSize, 4);
  EXPECT_EQ(o.rank, 3);
  EXPECT_EQ(o.host, "10.0.0.7");
  EXPECT_EQ(o.port, 29600);
  setenv("RANK", "three", 1);
  EXPECT_THROW(DistributedOptions::fromEnvironment(), UsageError);
  for (const char* v : {"WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT"}) unsetenv(v);
  EXPECT_FALSE(DistributedOptions::fromEnvironment().distributed());
}

TEST(DistributedGroup, RefusesARankOutsideTheWorldAndAnUnavailableBackend) {
  DistributedOptions o;
  o.worldSize = 2;
  o.rank = 2;
  EXPECT_THROW(DistributedGroup::join(o), UsageError);
  o.rank = 0;
  o.backend = "nccl";
  EXPECT_THROW(DistributedGroup::join(o), UsageError);
  o.backend = "mpi";
  EXPECT_THROW(DistributedGroup::join(o), UsageError);
}

TEST(DistributedGroup, CollectivesOfAOneProcessWorldKeepTheirValuesAcrossBuckets) {
  DistributedOptions o;
  o.port = freeLoopbackPort();
  o.timeoutSeconds = 30;
  if (!TRUSTCT_HAVE_DISTRIBUTED) {  // a build without c10d/Gloo says so
    EXPECT_THROW(DistributedGroup::join(o), NotBuiltError);
    return;
  }
  const auto group = DistributedGroup::join(o);
  ASSERT_TRUE(group->isRoot());
  EXPECT_EQ(group->size(), 1);
  // Tensors of two dtypes and a bucket small enough that they need several buckets.
  std::vector<torch::Tensor> ts = {torch::arange(10, torch::kFloat32).view({2, 5}), torch::ones({3}, torch::kFloat32) * 2,
                                   torch::arange(4, torch::kInt64)};
  const std::vector<torch::Tensor> before = {ts[0].clone(), ts[1].clone(), ts[2].clone()};
  group->sumInPlace(ts, 16);
  group->broadcastFromRoot(ts);
  for (size_t i = 0; i < ts.size(); ++i) EXPECT_TRUE(torch::equal(ts[i], before[i])) << i;
  EXPECT_EQ(group->sum({1.5, -2.0}), (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(group->max({3.0}), std::vector<double>{3.0});
  EXPECT_EQ(group->requireIdentical("a fingerprint", "0123abcd"), "0123abcd");
  group->markProgress(7);
}
