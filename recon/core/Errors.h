#pragma once
// Error types shared by the core, the CLI and the GUI. The CLI maps them to exit codes
// (UsageError → 2, InputError → 3); the GUI shows their message verbatim.
#include <stdexcept>
#include <string>

namespace trustct {

// A caller asked for something that does not make sense (unknown option, missing argument).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A format or command this build leaves out (TRUSTCT_CORE_ONLY, or a TRUSTCT_WITH_* option off); the
// message says what is missing. Made by notBuiltError() (Runtime.h), which knows how the build was configured.
class NotBuiltError : public UsageError {
 public:
  using UsageError::UsageError;
};

// Data that cannot be used: names the file (or source) and what is wrong with it.
class InputError : public std::runtime_error {
 public:
  InputError(const std::string& source, const std::string& problem)
      : std::runtime_error(source.empty() ? problem : source + ": " + problem),
        source_(source), problem_(problem) {}
  const std::string& source() const { return source_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string source_;
  std::string problem_;
};

// A long computation stopped because its job was cancelled; no partial result is returned.
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("cancelled") {}
};

}  // namespace trustct
