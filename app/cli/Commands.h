#pragma once
// trustct-cli subcommands. Each parses its own options (CommandLine) and returns the exit code:
// 0 success, 2 usage error, 3 bad input (the error names the file and the problem).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "CommandLine.h"
#include "certs/Certifier.h"
#include "recon/methods/ReconstructionMethod.h"

namespace trustct::cli {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};
const std::vector<Command>& commands();

int runSimulate(const Args& args);
int runProject(const Args& args);
int runReconstruct(const Args& args);
int runEvaluate(const Args& args);
int runCalibrate(const Args& args);
int runBench(const Args& args);
int runDemo(const Args& args);
int runTrain(const Args& args);
int runOptimizeSteps(const Args& args);
int runBenchDistributed(const Args& args);
int runPublish(const Args& args);
int runValidateCertificates(const Args& args);

int runExport(const Args& args);
int runSend(const Args& args);
int runEcho(const Args& args);
int runImport(const Args& args);

// Options every computing command shares.
std::vector<OptionSpec> runtimeOptions();
// Applies --threads, parses --device and builds the paper geometry's environment.
ReconstructionEnvironment environmentFrom(const CommandLine& cl);
// Prints job progress to stderr while alive (only when stderr is a terminal or --progress is given).
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled);
  ~ProgressPrinter();

 private:
  int token_ = 0;
};
void writeJsonFile(const std::string& path, const std::string& text);
// --calibration FILE, and the certifier it names (the shipped default calibration without it).
OptionSpec calibrationOption();
// --calibration FILE; else the method's own (a user model's calibration.json, `methodId` given); else the default.
Certifier certifierFrom(const CommandLine& cl, const ReconstructionEnvironment& env, const std::string& methodId = "");
// The learned models' part of `bench` (LearnedBench.cpp).
nlohmann::json benchLearned(const ReconstructionEnvironment& env, int reps, int batch, int trainIterations);

}  // namespace trustct::cli
