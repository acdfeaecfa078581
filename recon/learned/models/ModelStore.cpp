#include "recon/learned/models/ModelStore.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/core/Sha256.h"
#include "recon/geometry/Geometry.h"

namespace trustct {
namespace fs = std::filesystem;

namespace {

constexpr int kCardVersion = 1;
const char* kWeightsFile = "model.pt";
const char* kCardFile = "model.json";
const char* kMarkdownFile = "MODEL_CARD.md";

std::string markdownCard(const nlohmann::json& c) {
  std::ostringstream md;
  md << "# " << c.value("display_name", std::string("model")) << " (`" << c.value("model", std::string()) << "`)\n\n";
  md << "Generated from `model.json` by `trustct-cli train`; the JSON is authoritative.\n\n";
  md << "- Parameters: " << c.at("parameters").dump() << "\n";
  md << "- Geometry: " << c.at("geometry").dump() << " (fingerprint `" << c.at("geometry_fingerprint").get<std::string>()
     << "`)\n";
  md << "- Weights: `" << kWeightsFile << "`, SHA-256 `" << c.at("weights").at("sha256").get<std::string>() << "`\n";
  md << "- Architecture: `" << c.at("architecture").dump() << "`\n";
  if (c.contains("training")) {
    const auto& t = c.at("training");
    md << "\n## Training\n\n";
    for (const auto& [k, v] : t.items())
      if (k != "history") md << "- " << k << ": `" << v.dump() << "`\n";
    if (t.contains("history")) {
      md << "\n| epoch | mean loss | validation PSNR dB | wall s |\n|---|---|---|---|\n";
      for (const auto& h : t.at("history"))
        md << "| " << h.value("epoch", 0) << " | " << h.value("mean_loss", 0.0) << " | "
           << h.value("validation_psnr", 0.0) << " | " << h.value("seconds", 0.0) << " |\n";
    }
  }
  if (c.contains("test")) {
    md << "\n## Test metrics\n\n";
    for (const auto& [k, v] : c.at("test").items()) md << "- " << k << ": `" << v.dump() << "`\n";
  }
  return md.str();
}

}  // namespace

std::string shippedModelDirectory(const std::string& resourceDir, ModelKind kind) {
  return (fs::path(resourceDir) / "models" / modelId(kind)).string();
}

std::string storedModelProblem(const std::string& directory) {
  const fs::path d(directory);
  if (!fs::exists(d / kCardFile)) return "no trained model: " + (d / kCardFile).string() + " not found";
  if (!fs::exists(d / kWeightsFile)) return "no trained weights: " + (d / kWeightsFile).string() + " not found";
  return {};
}

std::string serializedArchive(torch::serialize::OutputArchive& archive) {
  std::string bytes;
  archive.save_to([&](const void* data, size_t n) {
    bytes.append(static_cast<const char*>(data), n);
    return n;
  });
  return bytes;
}

void saveWeights(const LearnedModel& model, const std::string& path) {
  torch::serialize::OutputArchive archive;
  const_cast<LearnedModel&>(model).module().save(archive);
  const std::string bytes = serializedArchive(archive);
  writeFileAtomically(path, [&](std::ostream& out) { out << bytes; });
}

void loadWeights(LearnedModel& model, const std::string& path, const torch::Device& device) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    model.module().load(archive);
    model.to(device);
  } catch (const c10::Error& e) {
    throw InputError(path, std::string("cannot load weights: ") + e.what_without_backtrace());
  }
}

void saveModel(const LearnedModel& model, const Geometry& geometry, const std::string& directory, nlohmann::json card) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) throw InputError(directory, "cannot create model folder: " + ec.message());
  // Weights, card and Markdown card appear as one set (a crash leaves the previous model or the new one).
  FileSetWriter files(directory);
  torch::serialize::OutputArchive archive;
  const_cast<LearnedModel&>(model).module().save(archive);
  const std::string bytes = serializedArchive(archive);
  const std::string weights = files.add(kWeightsFile, [&](std::ostream& out) { out << bytes; });
  card["format"] = "trustct-model";
  card["version"] = kCardVersion;
  card["model"] = modelId(model.spec().kind);
  card["display_name"] = modelDisplayName(model.spec().kind);
  card["architecture"] = model.spec().toJson();
  card["parameters"] = model.parameterReport();
  card["geometry"] = geometry.toJson();
  card["geometry_fingerprint"] = geometry.fingerprint();
  card["weights"] = {{"file", kWeightsFile}, {"sha256", sha256File(weights)}, {"bytes", fs::file_size(weights)}};
  card["weights_fingerprint"] = model.weightsFingerprint();
  files.add(kCardFile, [&](std::ostream& out) { out << card.dump(2) << "\n"; });
  files.add(kMarkdownFile, [&](std::ostream& out) { out << markdownCard(card); });
  files.commit();
}

StoredModel loadModel(const std::string& directory, std::shared_ptr<const RadonOperator> op, const torch::Device& device) {
  const std::string cardPath = (fs::path(directory) / kCardFile).string();
  completeInterruptedCommit(directory);  // a save stopped between its files: finish it
  if (const std::string problem = storedModelProblem(directory); !problem.empty()) throw InputError(directory, problem);
  StoredModel stored;
  stored.directory = directory;
  std::ifstream in(cardPath);
  if (!in) throw InputError(cardPath, "cannot open model card");
  try {
    in >> stored.card;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(cardPath, std::string("model card is not valid JSON: ") + e.what());
  }
  const nlohmann::json& c = stored.card;
  if (c.value("format", std::string()) != "trustct-model")
    throw InputError(cardPath, "not a TrustCT model card (format field missing or wrong)");
  ModelSpec spec;
  std::string fingerprint, sha;
  try {
    if (c.at("version").get<int>() > kCardVersion)
      throw InputError(cardPath, "model card version " + c.at("version").dump() + " is newer than this TrustCT");
    spec = ModelSpec::fromJson(c.at("architecture"), cardPath);
    fingerprint = c.at("geometry_fingerprint").get<std::string>();
    sha = c.at("weights").at("sha256").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(cardPath, std::string("malformed model card: ") + e.what());
  }
  const Geometry& g = op->geometry();
  if (fingerprint != g.fingerprint())
    throw InputError(cardPath, "these weights were trained for another geometry (" + c.value("geometry", nlohmann::json()).dump() +
                                   ", fingerprint " + fingerprint + ") than the current one (" + g.describe() +
                                   ", fingerprint " + g.fingerprint() + "); retrain with 'trustct-cli train'");
  const std::string weights = (fs::path(directory) / kWeightsFile).string();
  if (sha256File(weights) != sha)
    throw InputError(weights, "weights do not match the SHA-256 recorded in " + cardPath + " (file changed or damaged)");
  stored.model = makeLearnedModel(spec, op);
  loadWeights(*stored.model, weights, device);
  // The SHA-256 covers model.pt only; the fingerprint covers the weights and the architecture the card
  // states (iteration cap, tolerance, step sizes), so an edited number in the card is refused too.
  const std::string recorded = c.value("weights_fingerprint", std::string());
  if (recorded.empty())
    throw InputError(cardPath, "model card has no weights_fingerprint (made by an older TrustCT); retrain the model");
  if (const std::string now = stored.model->weightsFingerprint(); recorded != now)
    throw InputError(cardPath, "the card's architecture does not match the one these weights were saved with "
                               "(weights_fingerprint " + recorded + ", now " + now + "): the card was edited or damaged");
  return stored;
}

}  // namespace trustct
