#include "Interrupt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace trustct::cli {
namespace {

std::atomic<JobContext*> target{nullptr};  // lock-free: safe to read in a signal handler
std::atomic<bool> signalled{false};

extern "C" void onInterrupt(int sig) {
  JobContext* job = target.load();
  if (!job) {  // nothing to stop cleanly: the default action (SA_RESETHAND restored it)
    std::raise(sig);
    return;
  }
  signalled.store(true);
  job->requestCancel();
  static const char message[] =
      "\ntrustct-cli: interrupted, stopping at the next safe point (press Ctrl-C again to end at once)\n";
  [[maybe_unused]] const ssize_t n = write(STDERR_FILENO, message, sizeof message - 1);
}

}  // namespace

void installInterruptHandlers() {
  struct sigaction action {};
  action.sa_handler = onInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // the second signal takes the default action
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

InterruptScope::InterruptScope(JobContext& job) : previous_(target.exchange(&job)) {}
InterruptScope::~InterruptScope() { target.store(previous_); }
bool InterruptScope::interrupted() { return signalled.load(); }

}  // namespace trustct::cli
