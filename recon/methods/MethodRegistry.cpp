#include "recon/methods/MethodRegistry.h"

#include <sstream>

#include "recon/core/Errors.h"
#include "recon/methods/FbpMethod.h"
#include "recon/methods/TvMin.h"

namespace trustct {

MethodRegistry& MethodRegistry::instance() {
  static MethodRegistry registry;
  return registry;
}

MethodRegistry::MethodRegistry() {
  auto always = [](const ReconstructionEnvironment&) { return std::string(); };
  add("fbp", "FBP", [](const ReconstructionEnvironment& env) { return std::make_unique<FbpMethod>(env); }, always);
  add("tv", "TV-Min", [](const ReconstructionEnvironment& env) { return std::make_unique<TvMinMethod>(env); }, always);
}

void MethodRegistry::add(const std::string& id, const std::string& displayName, Factory factory,
                         Availability availability) {
  for (auto& e : entries_)
    if (e.id == id) {
      e = {id, displayName, std::move(factory), std::move(availability)};
      return;
    }
  entries_.push_back({id, displayName, std::move(factory), std::move(availability)});
}

std::vector<MethodInfo> MethodRegistry::methods(const ReconstructionEnvironment& env) const {
  std::vector<MethodInfo> out;
  for (const auto& e : entries_) {
    const std::string why = e.availability(env);
    out.push_back({e.id, e.displayName, why.empty(), why});
  }
  return out;
}

std::vector<std::string> MethodRegistry::ids() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.id);
  return out;
}

bool MethodRegistry::known(const std::string& id) const {
  for (const auto& e : entries_)
    if (e.id == id) return true;
  return false;
}

std::unique_ptr<ReconstructionMethod> MethodRegistry::create(const std::string& id,
                                                             const ReconstructionEnvironment& env) const {
  for (const auto& e : entries_) {
    if (e.id != id) continue;
    const std::string why = e.availability(env);
    if (!why.empty()) throw InputError(id, "method unavailable: " + why);
    return e.factory(env);
  }
  std::string list;
  for (const auto& e : entries_) list += (list.empty() ? "" : ", ") + e.id;
  throw UsageError("unknown method '" + id + "' (expected one of: " + list + ")");
}

std::vector<std::string> MethodRegistry::parseList(const std::string& list, const ReconstructionEnvironment& env) const {
  std::vector<std::string> out;
  if (list == "all") {
    for (const auto& m : methods(env))
      if (m.available) out.push_back(m.id);
    return out;
  }
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    if (!known(item)) create(item, env);  // throws the UsageError with the list of known ids
    out.push_back(item);
  }
  if (out.empty()) throw UsageError("empty method list");
  return out;
}

}  // namespace trustct
