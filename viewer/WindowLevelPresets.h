#pragma once
// Window/level presets from a versioned JSON file (resources/presets/window-level.json), plus the
// window the open file brings with it ("file's own window", shortcut Ctrl+0).
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "viewer/Intensity.h"

namespace trustct::viewer {

struct WindowLevelPreset {
  std::string id;        // lung, mediastinum, ...; "file" for the file's own window
  std::string name;      // menu text
  double widthHu = 0;
  double levelHu = 0;
  std::string shortcut;  // Qt key sequence text, e.g. "Ctrl+1"; may be empty

  WindowLevel window() const { return WindowLevel::fromHu(widthHu, levelHu); }
};

class WindowLevelPresets {
 public:
  static constexpr int kFormatVersion = 1;
  static constexpr const char* kFileId = "file";

  // InputError naming `source` for a wrong format tag, an unsupported version, a missing field,
  // a non-positive width or a duplicate id or shortcut.
  static WindowLevelPresets fromJson(const nlohmann::json& j, const std::string& source);
  static WindowLevelPresets load(const std::string& path);
  static std::string defaultPath(const std::string& resourceDir);  // <resources>/presets/window-level.json

  // The list shown to the user: the file's own window first (when known), then the file's presets.
  std::vector<WindowLevelPreset> all(const std::optional<WindowLevel>& fileWindow) const;
  const std::vector<WindowLevelPreset>& presets() const { return presets_; }
  const WindowLevelPreset* find(const std::string& id) const;

 private:
  std::vector<WindowLevelPreset> presets_;
};

}  // namespace trustct::viewer
