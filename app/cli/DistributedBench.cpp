// bench-distributed: training steps per second of one process with T threads against T processes with one
// thread each (data-parallel over c10d/Gloo on 127.0.0.1), the same model, data, global batch and seed,
// run one after the other by this command as real `trustct-cli train` processes; and the time each step
// spends in the collectives (gradient all-reduce and metric sums), from the ranks' own measurement.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "Commands.h"
#include "recon/core/Errors.h"
#include "recon/learned/training/DistributedGroup.h"

extern char** environ;

namespace trustct::cli {
namespace {

struct Run {
  double secondsPerStep = 0;
  double communicationMsPerStep = 0;
};

// Starts `argv` (this executable's `train`), stdout and stderr into `log`; returns its pid.
pid_t spawnTrain(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("bench-distributed: cannot start a training process: " + std::string(strerror(rc)));
  return pid;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `ranks` training processes of `threads` threads each into `dir` and reads rank 0's card.
Run timeTraining(const std::vector<std::string>& common, int ranks, int threads, const std::string& dir, int port) {
  std::vector<pid_t> pids;
  for (int r = 0; r < ranks; ++r) {
    std::vector<std::string> argv = common;
    argv.insert(argv.end(), {"--out", dir, "--threads", std::to_string(threads)});
    if (ranks > 1)
      argv.insert(argv.end(), {"--world-size", std::to_string(ranks), "--rank", std::to_string(r), "--rendezvous",
                               "tcp://127.0.0.1:" + std::to_string(port), "--dist-timeout", "120"});
    pids.push_back(spawnTrain(argv, dir + ".rank" + std::to_string(r) + ".log"));
  }
  bool failed = false;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  if (failed)
    throw std::runtime_error("bench-distributed: a training process failed: " + readAll(dir + ".rank0.log") +
                             readAll(dir + ".rank" + std::to_string(ranks - 1) + ".log"));
  const nlohmann::json card = nlohmann::json::parse(readAll(dir + "/model.json"));
  const nlohmann::json& session = card.at("training").at("sessions").back();
  const double steps = session.at("last_step").get<double>() - session.at("first_step").get<double>();
  Run run;
  run.secondsPerStep = session.at("seconds").get<double>() / steps;
  if (ranks > 1) run.communicationMsPerStep = card["training"]["distributed"].value("communication_ms_per_step", 0.0);
  return run;
}

}  // namespace

int runBenchDistributed(const Args& args) {
  CommandLine cl("bench-distributed",
                 "Training steps per second: one process with --processes threads against --processes processes "
                 "with one thread each (data-parallel, c10d/Gloo on 127.0.0.1), same model, data, global batch and "
                 "seed; and the time per step in the collectives.",
                 {{"model", "ID", "model to train", "scale-l2o"},
                  {"processes", "N", "processes of the data-parallel run (and threads of the single one)", "2"},
                  {"steps", "N", "optimiser steps per run", "10"},
                  {"batch", "B", "global batch", "8"},
                  {"train-iterations", "N", "JFB iteration cap", "20"},
                  {"json", "OUT", "also write the results as JSON", ""}},
                 args);
  if (cl.helpRequested()) return std::printf("%s", cl.helpText().c_str()), 0;
  const int processes = static_cast<int>(cl.integer("processes", 2, 64));
  const long long steps = cl.integer("steps", 1, 100000), batch = cl.integer("batch", 1, 4096);
  if (batch % processes != 0) throw UsageError("--batch must be a multiple of --processes");
  char tmpl[] = "/tmp/trustct-bench-distributed-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("bench-distributed: cannot create a temporary folder");
  const std::string work = tmpl;
  const std::vector<std::string> common = {
      "trustct-cli", "train", "--model", cl.value("model"), "--train-count", std::to_string(batch * steps),
      "--val-count", "1", "--test-count", "1", "--epochs", "2", "--max-steps", std::to_string(steps),
      "--batch", std::to_string(batch), "--train-iterations", cl.value("train-iterations"), "--seed", "0",
      "--checkpoint-minutes", "1000"};
  Run single, parallel;
  try {
    single = timeTraining(common, 1, processes, work + "/single", 0);
    parallel = timeTraining(common, processes, 1, work + "/parallel", freeLoopbackPort());
  } catch (...) {
    std::filesystem::remove_all(work);
    throw;
  }
  std::filesystem::remove_all(work);
  std::printf("%s training, global batch %lld, %lld steps, JFB cap %s\n", cl.value("model").c_str(), batch, steps,
              cl.value("train-iterations").c_str());
  std::printf("  1 process x %d threads:   %.3f steps/s (%.0f ms per step)\n", processes, 1 / single.secondsPerStep,
              1000 * single.secondsPerStep);
  std::printf("  %d processes x 1 thread:  %.3f steps/s (%.0f ms per step), of which %.1f ms in the collectives\n",
              processes, 1 / parallel.secondsPerStep, 1000 * parallel.secondsPerStep, parallel.communicationMsPerStep);
  std::printf("  ratio (processes / threads): %.2fx\n", single.secondsPerStep / parallel.secondsPerStep);
  if (cl.has("json"))
    writeJsonFile(cl.value("json"),
                  nlohmann::json{{"model", cl.value("model")},
                                 {"global_batch", batch},
                                 {"steps", steps},
                                 {"processes", processes},
                                 {"single_process_steps_per_second", 1 / single.secondsPerStep},
                                 {"data_parallel_steps_per_second", 1 / parallel.secondsPerStep},
                                 {"communication_ms_per_step", parallel.communicationMsPerStep},
                                 {"speedup", single.secondsPerStep / parallel.secondsPerStep}}
                      .dump(2));
  return 0;
}

}  // namespace trustct::cli
