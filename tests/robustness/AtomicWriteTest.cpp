// Hostile folders, kills between files and full disks (issue "Hardening", defects 1, 5 and 7): a writer
// never follows a planted link, a set of files appears whole or not at all, and a failed write names the
// file, removes its temporary and keeps the previous content.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "recon/core/AtomicFile.h"
#include "recon/core/Errors.h"
#include "recon/learned/models/ModelStore.h"
#include "tests/unit/LearnedTestSupport.h"

using namespace trustct;
using trustct::testing::freshDir;
using trustct::testing::tinyOperator;
namespace fs = std::filesystem;

namespace {

std::string bytesOf(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> namesIn(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `work` in a child process (as a separate run would be) and returns its exit status; the child
// exits 0 when `work` returns, 1 when it throws.
int inChild(const std::function<void()>& work, const char* faultPoint = nullptr) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (faultPoint) setenv("TRUSTCT_FAULT_AT", faultPoint, 1);
    try {
      work();
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void writeSet(const fs::path& dir, const std::string& content) {
  FileSetWriter files(dir.string());
  for (const char* name : {"a.bin", "b.json", "c.md"}) files.add(name, [&](std::ostream& out) { out << content << name; });
  files.commit();
}

void expectSet(const fs::path& dir, const std::string& content) {
  for (const char* name : {"a.bin", "b.json", "c.md"}) EXPECT_EQ(bytesOf(dir / name), content + name) << name;
}

}  // namespace

TEST(AtomicWrite, PlantedLinksAreNeverFollowed) {
  const fs::path dir = freshDir("links"), victim = freshDir("links_victim") / "victim.txt";
  std::ofstream(victim) << "precious";
  const fs::path target = dir / "out.json";
  // Every temporary name the writers used before (fixed or pid-and-counter) and the target itself.
  std::vector<fs::path> planted = {dir / ".tmp-out.json", target};
  for (int i = 0; i < 50; ++i) planted.push_back(dir / ("out.json.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(i)));
  for (const auto& p : planted) fs::create_symlink(victim, p);
  writeTextAtomically(target.string(), "new");
  writeFileViaPath(target.string(), [](const std::string& tmp) { std::ofstream(tmp) << "via path"; });
  EXPECT_EQ(bytesOf(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(target));
  EXPECT_EQ(bytesOf(target), "via path");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_TRUE(e.path() == target || fs::is_symlink(e.path())) << "left behind: " << e.path();
}

TEST(AtomicWrite, ATemporaryReplacedByALinkWhileALibraryWritesIsRefused) {
  const fs::path dir = freshDir("swap"), victim = freshDir("swap_victim") / "victim.txt";
  std::ofstream(victim) << "precious";
  const fs::path target = dir / "out.h5";
  EXPECT_THROW(writeFileViaPath(target.string(),
                                [&](const std::string& tmp) {
                                  fs::remove(tmp);
                                  fs::create_symlink(victim, tmp);
                                }),
               InputError);
  EXPECT_FALSE(fs::exists(target));
  EXPECT_EQ(bytesOf(victim), "precious");
}

TEST(AtomicWrite, AKillBetweenTheFilesOfASetLeavesTheOldOrTheNewSet) {
  for (const char* point : {"file-set:journaled", "file-set:renamed-first"}) {
    const fs::path dir = freshDir("set");
    writeSet(dir, "old ");
    EXPECT_EQ(inChild([&] { writeSet(dir, "new "); }, point), kInjectedFaultExit) << point;
    // The next reader or writer finishes the interrupted set: all new, nothing temporary left.
    EXPECT_TRUE(completeInterruptedCommit(dir.string())) << point;
    expectSet(dir, "new ");
    EXPECT_EQ(namesIn(dir), (std::vector<std::string>{"a.bin", "b.json", "c.md"})) << point;
  }
  // A failure before the journal keeps the old set as it was.
  const fs::path dir = freshDir("set_error");
  writeSet(dir, "old ");
  EXPECT_THROW(
      {
        FileSetWriter files(dir.string());
        files.add("a.bin", [](std::ostream& out) { out << "new a.bin"; });
        files.add("b.json", [](std::ostream&) { throw InputError("b.json", "cannot serialise"); });
      },
      InputError);
  expectSet(dir, "old ");
  EXPECT_EQ(namesIn(dir), (std::vector<std::string>{"a.bin", "b.json", "c.md"}));
}

TEST(AtomicWrite, AModelKilledBetweenWeightsAndCardLoadsAsTheNewModel) {
  const auto op = tinyOperator();
  const fs::path dir = freshDir("model");
  torch::manual_seed(1);
  auto first = makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), op);
  saveModel(*first, op->geometry(), dir.string(), {});
  torch::manual_seed(2);
  auto second = makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), op);
  ASSERT_NE(first->weightsFingerprint(), second->weightsFingerprint());
  EXPECT_EQ(inChild([&] { saveModel(*second, op->geometry(), dir.string(), {}); }, "file-set:renamed-first"),
            kInjectedFaultExit);
  const StoredModel loaded = loadModel(dir.string(), op, torch::kCPU);
  EXPECT_EQ(loaded.model->weightsFingerprint(), second->weightsFingerprint());
  EXPECT_EQ(loaded.card.at("weights_fingerprint").get<std::string>(), second->weightsFingerprint());
}

TEST(AtomicWrite, AFullDiskNamesTheFileAndKeepsThePreviousContent) {
  const fs::path dir = freshDir("full");
  const fs::path target = dir / "checkpoint.pt";
  writeTextAtomically(target.string(), "previous");
  // RLIMIT_FSIZE makes write() fail with EFBIG as a full disk fails with ENOSPC (the child only).
  const int status = inChild([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      writeTextAtomically(target.string(), std::string(1 << 20, 'x'));
    } catch (const InputError& e) {
      const std::string what = e.what();
      _exit(what.find("checkpoint.pt") != std::string::npos && what.find("write failed") != std::string::npos ? 42 : 2);
    }
  });
  EXPECT_EQ(status, 42);
  EXPECT_EQ(bytesOf(target), "previous");
  EXPECT_EQ(namesIn(dir), std::vector<std::string>{"checkpoint.pt"});
  // LibTorch's own stream writer aborted the process on a failed write; weights are written as bytes.
  const auto model = makeLearnedModel(ModelSpec::defaults(ModelKind::ScaleL2O), tinyOperator());
  const int weights = inChild([&] {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      saveWeights(*model, target.string());
    } catch (const InputError&) {
      _exit(42);
    }
  });
  EXPECT_EQ(weights, 42);
  EXPECT_EQ(bytesOf(target), "previous");
  EXPECT_EQ(namesIn(dir), std::vector<std::string>{"checkpoint.pt"});
}

TEST(AtomicWrite, TemporariesOfDeadWritersAreRemovedOthersKept) {
  const fs::path dir = freshDir("stale");
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const std::string deadName = ".tmp-" + std::to_string(dead) + "-1f2e-checkpoint.pt";
  const std::string liveName = ".tmp-" + std::to_string(::getpid()) + "-3a4b-checkpoint.pt";
  for (const std::string& name : {deadName, liveName, std::string("checkpoint.pt"), std::string(".tmp-notes")})
    std::ofstream(dir / name) << "x";
  EXPECT_EQ(removeStaleTemporaries(dir.string()), 1);
  EXPECT_EQ(namesIn(dir), (std::vector<std::string>{".tmp-" + std::to_string(::getpid()) + "-3a4b-checkpoint.pt",
                                                    ".tmp-notes", "checkpoint.pt"}));
}
