#pragma once
// Trained models on disk: DIR/model.pt (weights) and DIR/model.json (the model card: data, geometry and
// its fingerprint, seed, exact command, wall time, test metrics, SHA-256 of the weights), plus a
// human-readable DIR/MODEL_CARD.md. Shipped models live in resources/models/<id>/.
#include <torch/torch.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "recon/learned/models/LearnedModel.h"

namespace trustct {

struct StoredModel {
  std::unique_ptr<LearnedModel> model;
  nlohmann::json card;
  std::string directory;
};

std::string shippedModelDirectory(const std::string& resourceDir, ModelKind kind);
// "" when DIR holds a model card and weights; otherwise why not (for MethodRegistry availability).
std::string storedModelProblem(const std::string& directory);

// Writes the weights (atomically) and the card; `card` supplies training/test fields, this adds format,
// architecture, parameters, geometry, fingerprints and the weights' SHA-256.
void saveModel(const LearnedModel& model, const Geometry& geometry, const std::string& directory, nlohmann::json card);
// InputError naming the file when the card is malformed, the weights do not match their SHA-256, or the
// model was trained for another geometry than `op`'s.
StoredModel loadModel(const std::string& directory, std::shared_ptr<const RadonOperator> op, const torch::Device& device);

// The archive's bytes, serialised in memory first: LibTorch's stream writer throws from its destructor
// when the stream fails mid-write (a full disk aborted the process), so files get finished bytes only.
std::string serializedArchive(torch::serialize::OutputArchive& archive);

// Raw weights without a card (checkpoint-free export and tests).
void saveWeights(const LearnedModel& model, const std::string& path);
void loadWeights(LearnedModel& model, const std::string& path, const torch::Device& device);

}  // namespace trustct
