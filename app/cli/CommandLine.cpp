#include "CommandLine.h"

#include <cmath>
#include <sstream>

#include "recon/core/Errors.h"

namespace trustct::cli {

CommandLine::CommandLine(std::string command, std::string summary, std::vector<OptionSpec> specs,
                         const std::vector<std::string>& args, std::string positionalName)
    : command_(std::move(command)), summary_(std::move(summary)), specs_(std::move(specs)),
      positionalName_(std::move(positionalName)) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      help_ = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      if (positionalName_.empty()) throw UsageError("unexpected argument '" + a + "'");
      positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2), val;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      val = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec& s = spec(name);
    if (s.valueName.empty()) {
      if (eq != std::string::npos) throw UsageError("--" + name + " takes no value");
      val = "1";
    } else if (eq == std::string::npos) {
      if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value (" + s.valueName + ")");
      val = args[++i];
    }
    if (values_.count(name)) throw UsageError("--" + name + " given twice");
    values_[name] = val;
  }
}

const OptionSpec& CommandLine::spec(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return s;
  throw UsageError("unknown option --" + name + " for '" + command_ + "'");
}

std::string CommandLine::helpText() const {
  std::ostringstream out;
  out << "usage: trustct-cli " << command_ << " [options]" << (positionalName_.empty() ? "" : " " + positionalName_)
      << "\n\n" << summary_ << "\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  --" + s.name + (s.valueName.empty() ? "" : " " + s.valueName);
    if (left.size() < 28) left.append(28 - left.size(), ' ');
    else left += "\n" + std::string(28, ' ');
    out << left << s.help;
    if (!s.defaultValue.empty()) out << " (default: " << s.defaultValue << ")";
    out << "\n";
  }
  out << "  --help                    show this help\n";
  return out.str();
}

bool CommandLine::has(const std::string& name) const {
  spec(name);
  return values_.count(name) > 0;
}

std::string CommandLine::value(const std::string& name) const {
  const OptionSpec& s = spec(name);
  auto it = values_.find(name);
  return it == values_.end() ? s.defaultValue : it->second;
}

std::string CommandLine::required(const std::string& name) const {
  if (!has(name)) throw UsageError("missing required option --" + name);
  return value(name);
}

double CommandLine::number(const std::string& name) const {
  const std::string v = value(name);
  try {
    size_t used = 0;
    const double d = std::stod(v, &used);
    if (used == v.size() && std::isfinite(d)) return d;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " expects a number, got '" + v + "'");
}

long long CommandLine::integer(const std::string& name) const {
  const std::string v = value(name);
  try {
    size_t used = 0;
    const long long i = std::stoll(v, &used);
    if (used == v.size()) return i;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " expects a whole number, got '" + v + "'");
}

long long CommandLine::integer(const std::string& name, long long min, long long max) const {
  const long long i = integer(name);
  if (i < min || i > max)
    throw UsageError("--" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                     std::to_string(i));
  return i;
}

}  // namespace trustct::cli
