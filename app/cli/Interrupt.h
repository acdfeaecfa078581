#pragma once
// Ctrl-C (SIGINT) and SIGTERM for long commands. While an InterruptScope is alive the first signal cancels
// its job: the work stops at its next safe point (train writes its checkpoint there) and the command exits
// 130. A second signal, or one while no scope is alive, ends the process at once as it would by default.
#include "recon/core/Job.h"

namespace trustct::cli {

void installInterruptHandlers();  // once, in main()

class InterruptScope {
 public:
  explicit InterruptScope(JobContext& job);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  static bool interrupted();  // a signal cancelled the scope's job

 private:
  JobContext* previous_;
};

}  // namespace trustct::cli
