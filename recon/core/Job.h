#pragma once
// Long work (reconstruction, training, calibration) runs as a job with explicit states, reports
// progress through one hub and honours cancellation between iterations. Thread-safe; no Qt.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace trustct {

enum class JobState { Queued, Running, Cancelled, Failed, Finished };
const char* jobStateName(JobState s);

struct ProgressEvent {
  uint64_t jobId = 0;
  uint64_t rootJobId = 0;     // the outermost parent's id: a front end follows one job with all its children
  std::string jobName;
  JobState state = JobState::Queued;
  double fraction = 0;        // [0, 1]
  double etaSeconds = -1;     // < 0: unknown
  std::string message;
};

// The one place progress goes through: the CLI prints from it, the GUI turns it into Qt signals.
class ProgressHub {
 public:
  using Listener = std::function<void(const ProgressEvent&)>;
  static ProgressHub& instance();
  int subscribe(Listener listener);
  void unsubscribe(int token);
  void publish(const ProgressEvent& event);

 private:
  std::mutex mutex_;
  std::vector<std::pair<int, Listener>> listeners_;
  int nextToken_ = 1;
};

// Handed to the code doing the work: progress, cancellation, state.
class JobContext {
 public:
  // A child shares its parent's cancellation (a batch inside an evaluation, say) but reports on its own.
  explicit JobContext(std::string name = "job", const JobContext* parent = nullptr);
  uint64_t id() const { return id_; }
  uint64_t rootId() const { return parent_ ? parent_->rootId() : id_; }
  const std::string& name() const { return name_; }

  void requestCancel() { cancel_ = true; }
  bool cancelRequested() const { return cancel_.load() || (parent_ && parent_->cancelRequested()); }
  // Cooperative pause: the work holds at its next throwIfCancelled() (a batch or iteration boundary)
  // until resumed or cancelled. A child pauses with its parent.
  void setPaused(bool paused) { pause_ = paused; }
  bool pauseRequested() const { return pause_.load() || (parent_ && parent_->pauseRequested()); }
  // Waits while paused, then throws CancelledError if cancelled.
  void throwIfCancelled() const;

  // fraction in [0, 1]; the ETA is extrapolated from the time since start().
  void report(double fraction, const std::string& message = {});
  JobState state() const { return state_.load(); }

  // Runs `work` with state transitions Queued → Running → Finished | Cancelled | Failed; rethrows.
  void run(const std::function<void(JobContext&)>& work);

 private:
  void setState(JobState s, const std::string& message = {});

  uint64_t id_;
  std::string name_;
  const JobContext* parent_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> pause_{false};
  std::atomic<JobState> state_{JobState::Queued};
  std::chrono::steady_clock::time_point start_;
  std::atomic<double> lastFraction_{0};
};

}  // namespace trustct
