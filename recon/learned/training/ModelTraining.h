#pragma once
// Training a model end to end, as `trustct-cli train` and the training wizard do it: simulate or load the
// data, train with checkpoints (resume continues from DIR/checkpoint.pt), measure the held-out test set
// and write DIR/model.pt, model.json and MODEL_CARD.md.
#include <memory>
#include <string>

#include "recon/learned/training/TrainingData.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

class DistributedGroup;

struct TrainingPlan {
  ModelSpec spec;            // architecture, inference iteration cap, (frozen or initial) step sizes
  TrainingOptions options;   // checkpointPath and resume included
  TrainingDataSpec train, validation;
  int64_t testCount = 20;    // Ellipses test set of the card (the 1000 series, never used for choices)
  uint64_t testSeed = 1000;
  double testNoise = 0.015;
  std::string initFrom;      // a trained model folder to start from (LearnedModel::initialiseFrom); "" = fresh
  std::string outDir;
  std::string command;       // how it was asked for, recorded in the card ("trustct-cli train ...")
  // Data-parallel over the ranks of this group (null: one process); only rank 0 writes into outDir.
  std::shared_ptr<DistributedGroup> group;
};

struct TrainingOutcome {
  TrainingResult result;
  double testPsnr = 0, testSsim = 0, msPerSlice = 0;
  int64_t testCount = 0;
  std::string weightsFingerprint;  // of the trained weights (the same on every rank of a distributed run)
};

// Runs the plan as child jobs of `ctx` ("simulate", "train <id>"): cancelling or pausing `ctx` reaches
// them; a cancelled training has checkpointed at its batch boundary and writes no model.
TrainingOutcome trainModel(const TrainingPlan& plan, const ReconstructionEnvironment& env, JobContext& ctx,
                           const TrainingObserver& observer = {});

}  // namespace trustct
