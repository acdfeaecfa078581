// A model card's numbers are the model (hardening issue, defect 11): `max_iterations` 1e9 in a card, which
// the weights' SHA-256 did not cover, ran inference past 60 s. The card's architecture is bounded and bound
// to the weights by their fingerprint, so an edited number is refused with the card named.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "recon/core/Errors.h"
#include "recon/learned/models/ModelStore.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;
using trustct::testing::tinyOperator;
namespace fs = std::filesystem;

namespace {

// A saved Scale_L2O whose card has `edit` applied; loadModel's refusal, or "(loaded)".
std::string loadEdited(const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
  const auto op = tinyOperator();
  const fs::path dir = freshDir(name);
  torch::manual_seed(3);
  saveModel(*makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), op), op->geometry(), dir.string(), {});
  const fs::path cardPath = dir / "model.json";
  nlohmann::json card;
  std::ifstream(cardPath) >> card;
  edit(card);
  std::ofstream(cardPath) << card.dump(2);
  try {
    loadModel(dir.string(), op, torch::kCPU);
    return "(loaded)";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model.json"), std::string::npos) << what;
    return what;
  }
}

TEST(ModelCard, EditedOrUnboundedNumbersAreRefused) {
  EXPECT_EQ(loadEdited("card_same", [](nlohmann::json&) {}), "(loaded)");
  EXPECT_NE(loadEdited("card_huge", [](nlohmann::json& c) { c["architecture"]["max_iterations"] = 1000000000; })
                .find("out-of-range"),
            std::string::npos);
  // Inside the bounds, but not what the weights were saved with.
  EXPECT_NE(loadEdited("card_cap", [](nlohmann::json& c) { c["architecture"]["max_iterations"] = 4000; })
                .find("does not match the one these weights were saved with"),
            std::string::npos);
  EXPECT_NE(loadEdited("card_tol", [](nlohmann::json& c) { c["architecture"]["tolerance"] = 0.5; })
                .find("does not match"),
            std::string::npos);
  EXPECT_NE(loadEdited("card_bare", [](nlohmann::json& c) { c.erase("weights_fingerprint"); }).find("no weights_fingerprint"),
            std::string::npos);
}

}  // namespace
