#pragma once
// Which reconstruction methods exist, which are available here (learned ones need their shipped
// weights) and how to make one. The GUI lists these; the CLI parses --method against them.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "recon/methods/ReconstructionMethod.h"

namespace trustct {

struct MethodInfo {
  std::string id;
  std::string displayName;
  bool available = false;
  std::string unavailableReason;  // empty when available
};

class MethodRegistry {
 public:
  using Factory = std::function<std::unique_ptr<ReconstructionMethod>(const ReconstructionEnvironment&)>;
  using Availability = std::function<std::string(const ReconstructionEnvironment&)>;  // "" = available

  static MethodRegistry& instance();
  // Learned-model libraries register themselves here (static initialisers are avoided: call explicitly).
  void add(const std::string& id, const std::string& displayName, Factory factory, Availability availability);

  std::vector<MethodInfo> methods(const ReconstructionEnvironment& env) const;  // in display order
  std::vector<std::string> ids() const;
  bool known(const std::string& id) const;
  // UsageError for an unknown id; InputError naming the model file when it is unavailable.
  std::unique_ptr<ReconstructionMethod> create(const std::string& id, const ReconstructionEnvironment& env) const;
  // "fbp,tv" or "all" → ids; "all" keeps only the available ones.
  std::vector<std::string> parseList(const std::string& list, const ReconstructionEnvironment& env) const;

 private:
  MethodRegistry();
  struct Entry {
    std::string id, displayName;
    Factory factory;
    Availability availability;
  };
  std::vector<Entry> entries_;
};

}  // namespace trustct
