// trustct-cli: the headless front door to TrustCT. Same library code as the desktop application.
#include <cstdio>
#include <cstring>
#include <string>

#include "Commands.h"
#include "Interrupt.h"
#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"
#include "recon/learned/models/LearnedMethods.h"
#include "recon/learned/models/UserModels.h"

namespace {
void printUsage(FILE* out) {
  std::fprintf(out, "usage: trustct-cli <command> [options]   (trustct-cli <command> --help for its options)\n\n");
  for (const auto& c : trustct::cli::commands()) std::fprintf(out, "  %-22s %s\n", c.name, c.summary);
  std::fprintf(out, "\nexit codes: 0 success, 2 usage error, 3 bad input, 130 interrupted (Ctrl-C, SIGTERM), 1 other failure\n");
}
}  // namespace

int main(int argc, char** argv) {
  trustct::cli::installInterruptHandlers();
  trustct::registerLearnedMethods();
  trustct::registerUserModels(trustct::defaultUserModelsRoot());  // the wizard's models, as in the GUI (user:NAME)
  if (argc < 2) {
    printUsage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::printf("trustct-cli %s\nresources: %s\n", trustct::versionString().c_str(), trustct::resourceDir().c_str());
    return 0;
  }
  const trustct::cli::Args args(argv + 2, argv + argc);
  for (const auto& c : trustct::cli::commands()) {
    if (name != c.name) continue;
    try {
      return c.run(args);
    } catch (const trustct::NotBuiltError& e) {  // --help cannot help: the build lacks it
      std::fprintf(stderr, "trustct-cli %s: usage error: %s\n", c.name, e.what());
      return 2;
    } catch (const trustct::UsageError& e) {
      std::fprintf(stderr, "trustct-cli %s: usage error: %s (see trustct-cli %s --help)\n", c.name, e.what(), c.name);
      return 2;
    } catch (const trustct::InputError& e) {
      std::fprintf(stderr, "trustct-cli %s: error: %s\n", c.name, e.what());
      return 3;
    } catch (const trustct::CancelledError&) {
      std::fprintf(stderr, "trustct-cli %s: %s\n", c.name,
                   trustct::cli::InterruptScope::interrupted() ? "interrupted" : "cancelled");
      return 130;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "trustct-cli %s: failed: %s\n", c.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "trustct-cli: unknown command '%s'\n\n", name.c_str());
  printUsage(stderr);
  return 2;
}
