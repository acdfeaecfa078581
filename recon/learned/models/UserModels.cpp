#include "recon/learned/models/UserModels.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>

#include "recon/core/Errors.h"

namespace trustct {
namespace fs = std::filesystem;

std::string userMethodId(const std::string& name) { return "user:" + name; }

void checkUserModelName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                  });
  if (!ok)
    throw UsageError("model name '" + name + "': use 1-64 letters, digits, '-', '_' or '.' (not starting with '.')");
}

std::vector<std::string> userModelNames(const std::string& root) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && name[0] != '.' && fs::exists(it->path() / "model.json")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string userCalibrationPath(const std::string& modelDirectory) {
  return (fs::path(modelDirectory) / "calibration.json").string();
}

namespace {
// "<name> (Scale_L2O)": the panel title says whose model of which kind it is.
std::string displayNameOf(const std::string& name, const nlohmann::json& card) {
  return name + " (" + card.value("display_name", std::string("learned model")) + ")";
}
}  // namespace

std::unique_ptr<LearnedMethod> loadUserModel(const ReconstructionEnvironment& env, const std::string& directory,
                                             const std::string& name) {
  StoredModel stored = loadModel(directory, env.op, env.device);
  const std::string display = displayNameOf(name, stored.card);
  return std::make_unique<LearnedMethod>(env, std::move(stored), userMethodId(name), display);
}

namespace {
// The folder each registered user model was found in, for its own calibration.
std::map<std::string, std::string>& registeredFolders() {
  static std::map<std::string, std::string> folders;
  return folders;
}
}  // namespace

std::string defaultUserModelsRoot() {
  if (const char* own = std::getenv("TRUSTCT_USER_MODELS"); own && *own) return own;
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return (fs::path(data) / "TrustCT/models").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : ".") / ".local/share/TrustCT/models").string();
}

std::string ownCalibrationPath(const std::string& methodId) {
  const auto it = registeredFolders().find(methodId);
  if (it == registeredFolders().end()) return {};
  const std::string path = userCalibrationPath(it->second);
  std::error_code ec;
  return fs::is_regular_file(path, ec) ? path : std::string();
}

void registerUserModels(const std::string& root, MethodRegistry& registry) {
  for (const std::string& name : userModelNames(root)) {
    const std::string directory = (fs::path(root) / name).string();
    registeredFolders()[userMethodId(name)] = directory;
    nlohmann::json card;
    std::ifstream in(fs::path(directory) / "model.json");
    try {
      in >> card;
    } catch (const nlohmann::json::exception&) {
      card = nlohmann::json::object();  // loading it names the problem; the list still shows the model
    }
    registry.add(
        userMethodId(name), displayNameOf(name, card),
        [directory, name](const ReconstructionEnvironment& env) -> std::unique_ptr<ReconstructionMethod> {
          return loadUserModel(env, directory, name);
        },
        [directory](const ReconstructionEnvironment&) { return storedModelProblem(directory); });
  }
}

std::string baselineProblem(const nlohmann::json& card) {
  for (const char* set : {"validation", "test"}) {
    const nlohmann::json block = card.value(set, nlohmann::json::object());
    if (!block.is_object() || !block.contains("fbp_psnr")) continue;
    // A PSNR that is not a number (JSON null: a NaN when written) is not above anything.
    const auto number = [&](const char* key) {
      const auto it = block.find(key);
      return it != block.end() && it->is_number() ? it->get<double>() : std::nan("");
    };
    const double model = number("psnr"), fbp = number("fbp_psnr");
    if (std::isfinite(model) && std::isfinite(fbp) && model > fbp) return {};
    char text[256];
    std::snprintf(text, sizeof text,
                  "the model's %s PSNR (%.2f dB on %lld images) is not above FBP's on the same images (%.2f dB): "
                  "it reconstructs worse than the filtered back-projection it starts from",
                  set, model, static_cast<long long>(std::isfinite(number("count")) ? number("count") : 0), fbp);
    return text;
  }
  return "its card records no comparison with FBP (no validation or test PSNR beside FBP's): retrain it with "
         "this version of TrustCT";
}

void checkPublishable(const std::string& modelDirectory, const PublishOptions& options) {
  if (options.allowBelowFbp) return;
  const fs::path cardPath = fs::path(modelDirectory) / "model.json";
  std::ifstream in(cardPath);
  const nlohmann::json card = nlohmann::json::parse(in, nullptr, false);
  if (const std::string problem = baselineProblem(card.is_object() ? card : nlohmann::json::object()); !problem.empty())
    throw BelowBaselineError(cardPath.string(), "not published: " + problem +
                                                    " (to publish it anyway for research, allow models below FBP)");
}

std::string publishModel(const std::string& modelDirectory, const std::string& calibrationFile, const std::string& root,
                         const std::string& name, const PublishOptions& options) {
  checkUserModelName(name);
  if (const std::string problem = storedModelProblem(modelDirectory); !problem.empty())
    throw InputError(modelDirectory, problem);
  if (!fs::exists(calibrationFile)) throw InputError(calibrationFile, "calibration file not found");
  checkPublishable(modelDirectory, options);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw InputError(root, "cannot create the model folder: " + ec.message());
  const fs::path target = fs::path(root) / name;
  const std::string suffix = std::to_string(std::random_device{}());
  const fs::path staging = fs::path(root) / ("." + name + ".new-" + suffix);
  const fs::path old = fs::path(root) / ("." + name + ".old-" + suffix);
  try {
    fs::create_directory(staging);
    for (const char* file : {"model.pt", "model.json", "MODEL_CARD.md"})
      fs::copy_file(fs::path(modelDirectory) / file, staging / file);
    fs::copy_file(calibrationFile, staging / "calibration.json");
    if (fs::exists(target)) fs::rename(target, old);
    fs::rename(staging, target);
    fs::remove_all(old, ec);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(staging, ec);
    if (fs::exists(old) && !fs::exists(target)) fs::rename(old, target, ec);  // the previous model stays
    throw InputError(target.string(), std::string("cannot publish the model: ") + e.what());
  }
  return target.string();
}

}  // namespace trustct
