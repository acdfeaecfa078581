#pragma once
// Models a user trained (the training wizard) live in <root>/<name>/ beside the shipped ones: model.pt,
// model.json, MODEL_CARD.md and calibration.json, the certificate calibration made with that model.
// Each is offered as method "user:<name>" through the same registry the CLI uses.
#include <memory>
#include <string>
#include <vector>

#include "recon/core/Errors.h"
#include "recon/learned/models/LearnedMethods.h"
#include "recon/methods/MethodRegistry.h"

namespace trustct {

std::string userMethodId(const std::string& name);  // "user:<name>"
// Where the GUI and the CLI find user models: $TRUSTCT_USER_MODELS, else $XDG_DATA_HOME/TrustCT/models,
// else ~/.local/share/TrustCT/models (the GUI's QStandardPaths::GenericDataLocation on Linux).
std::string defaultUserModelsRoot();
// The calibration a method is certified with by default: a user model's own calibration.json, when it has
// one; empty for every other method (the default calibration applies).
std::string ownCalibrationPath(const std::string& methodId);
// UsageError unless 1-64 characters of letters, digits, '-', '_' and '.' (not starting with '.').
void checkUserModelName(const std::string& name);
// Folders under `root` that hold a model card, sorted.
std::vector<std::string> userModelNames(const std::string& root);
std::string userCalibrationPath(const std::string& modelDirectory);  // <dir>/calibration.json

// The model in `directory` as method user:<name> (InputError naming the file when it cannot be used).
std::unique_ptr<LearnedMethod> loadUserModel(const ReconstructionEnvironment& env, const std::string& directory,
                                             const std::string& name);
// Adds user:<name> for every model under `root` (re-registering replaces, so a re-published model is seen).
void registerUserModels(const std::string& root, MethodRegistry& registry = MethodRegistry::instance());

// Why the model card `card` (model.json) must not be published: its validation PSNR (the test PSNR where it
// had no validation set) is not above FBP's on the same images, or the card records no such comparison.
// Empty: it may. A model below the FBP it starts from would be offered, and certified with a calibration
// of its own outputs, as a reconstruction worse than the plainest one (docs/researcher-guide.md, "Publishing").
std::string baselineProblem(const nlohmann::json& card);

// The refusal of publishModel for baselineProblem, so that callers can offer the research override.
class BelowBaselineError : public InputError {
 public:
  using InputError::InputError;
};

struct PublishOptions {
  bool allowBelowFbp = false;  // research: publish a model that does not beat FBP (the card keeps its numbers)
};

// BelowBaselineError naming model.json when baselineProblem() objects to the model in `modelDirectory` and
// the options do not allow it (callers check before calibrating, publishModel again before writing).
void checkPublishable(const std::string& modelDirectory, const PublishOptions& options = {});

// Copies model.pt, model.json, MODEL_CARD.md from `modelDirectory` and `calibrationFile` as calibration.json
// into <root>/<name>/: assembled in a temporary folder beside it and renamed into place, replacing an older
// model of that name only once the new one is complete. Returns the published folder; checkPublishable()
// first (nothing written when it refuses).
std::string publishModel(const std::string& modelDirectory, const std::string& calibrationFile, const std::string& root,
                         const std::string& name, const PublishOptions& options = {});

}  // namespace trustct
