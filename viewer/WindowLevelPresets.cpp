#include "viewer/WindowLevelPresets.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "recon/core/Errors.h"

namespace trustct::viewer {

WindowLevelPresets WindowLevelPresets::fromJson(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object() || j.value("format", "") != "trustct-window-level-presets")
    throw InputError(source, "not a window/level preset file (format must be \"trustct-window-level-presets\")");
  const int version = j.value("version", 0);
  if (version != kFormatVersion)
    throw InputError(source, "unsupported preset format version " + std::to_string(version) + " (expected " +
                                 std::to_string(kFormatVersion) + ")");
  if (!j.contains("presets") || !j["presets"].is_array()) throw InputError(source, "missing \"presets\" array");
  WindowLevelPresets out;
  std::set<std::string> ids{kFileId}, shortcuts{"Ctrl+0"};
  for (const auto& p : j["presets"]) {
    WindowLevelPreset preset;
    try {
      preset.id = p.at("id").get<std::string>();
      preset.name = p.at("name").get<std::string>();
      preset.widthHu = p.at("width_hu").get<double>();
      preset.levelHu = p.at("level_hu").get<double>();
      preset.shortcut = p.value("shortcut", "");
    } catch (const nlohmann::json::exception& e) {
      throw InputError(source, std::string("malformed preset: ") + e.what());
    }
    if (!(preset.widthHu > 0)) throw InputError(source, "preset '" + preset.id + "' has a non-positive width");
    if (!ids.insert(preset.id).second) throw InputError(source, "duplicate or reserved preset id '" + preset.id + "'");
    if (!preset.shortcut.empty() && !shortcuts.insert(preset.shortcut).second)
      throw InputError(source, "shortcut " + preset.shortcut + " of preset '" + preset.id + "' is already in use");
    out.presets_.push_back(std::move(preset));
  }
  return out;
}

WindowLevelPresets WindowLevelPresets::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open window/level preset file");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("invalid JSON: ") + e.what());
  }
  return fromJson(j, path);
}

std::string WindowLevelPresets::defaultPath(const std::string& resourceDir) {
  return (std::filesystem::path(resourceDir) / "presets" / "window-level.json").string();
}

std::vector<WindowLevelPreset> WindowLevelPresets::all(const std::optional<WindowLevel>& fileWindow) const {
  std::vector<WindowLevelPreset> out;
  if (fileWindow) out.push_back({kFileId, "File's own window", fileWindow->widthHu(), fileWindow->levelHu(), "Ctrl+0"});
  out.insert(out.end(), presets_.begin(), presets_.end());
  return out;
}

const WindowLevelPreset* WindowLevelPresets::find(const std::string& id) const {
  for (const auto& p : presets_)
    if (p.id == id) return &p;
  return nullptr;
}

}  // namespace trustct::viewer
