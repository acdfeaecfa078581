#pragma once
// Options of one trustct-cli subcommand: declared once, parsed strictly (unknown options and missing
// values are usage errors, exit code 2), and printed by --help.
#include <climits>
#include <map>
#include <string>
#include <vector>

namespace trustct::cli {

// Seeds are whole numbers from 0 (a negative one used to wrap silently into a huge unsigned seed).
constexpr long long kMaxSeed = LLONG_MAX;

struct OptionSpec {
  std::string name;       // without the leading dashes
  std::string valueName;  // empty: a boolean flag
  std::string help;
  std::string defaultValue;  // shown in --help; empty for none
};

// Option lists are assembled from shared groups (runtime, noise, calibration): a followed by b.
inline std::vector<OptionSpec> joinOptions(std::vector<OptionSpec> a, const std::vector<OptionSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class CommandLine {
 public:
  // positionalName non-empty: bare arguments are collected (e.g. "FILES...") instead of being usage errors.
  CommandLine(std::string command, std::string summary, std::vector<OptionSpec> specs,
              const std::vector<std::string>& args, std::string positionalName = "");

  bool helpRequested() const { return help_; }
  std::string helpText() const;

  bool has(const std::string& name) const;
  std::string value(const std::string& name) const;  // the default when absent
  std::string required(const std::string& name) const;
  double number(const std::string& name) const;
  long long integer(const std::string& name) const;
  // The same, refused with a UsageError naming the option outside [min, max] (so 4294967297 never wraps to 1).
  long long integer(const std::string& name, long long min, long long max) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  const OptionSpec& spec(const std::string& name) const;

  std::string command_, summary_;
  std::vector<OptionSpec> specs_;
  std::string positionalName_;
  std::vector<std::string> positionals_;
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

}  // namespace trustct::cli
