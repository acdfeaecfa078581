#include "recon/core/Job.h"

#include <algorithm>
#include <thread>

#include "recon/core/Errors.h"

namespace trustct {

const char* jobStateName(JobState s) {
  switch (s) {
    case JobState::Queued: return "queued";
    case JobState::Running: return "running";
    case JobState::Cancelled: return "cancelled";
    case JobState::Failed: return "failed";
    case JobState::Finished: return "finished";
  }
  return "?";
}

ProgressHub& ProgressHub::instance() {
  static ProgressHub hub;
  return hub;
}

int ProgressHub::subscribe(Listener listener) {
  std::lock_guard<std::mutex> lock(mutex_);
  listeners_.emplace_back(nextToken_, std::move(listener));
  return nextToken_++;
}

void ProgressHub::unsubscribe(int token) {
  std::lock_guard<std::mutex> lock(mutex_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(), [&](auto& l) { return l.first == token; }),
                   listeners_.end());
}

void ProgressHub::publish(const ProgressEvent& event) {
  std::vector<Listener> copy;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& l : listeners_) copy.push_back(l.second);
  }
  for (auto& l : copy) l(event);
}

namespace {
std::atomic<uint64_t> nextJobId{1};
}

JobContext::JobContext(std::string name, const JobContext* parent)
    : id_(nextJobId++), name_(std::move(name)), parent_(parent), start_(std::chrono::steady_clock::now()) {}

void JobContext::throwIfCancelled() const {
  // Polling keeps pause free of condition variables across the parent chain; 50 ms is invisible to a user.
  while (pauseRequested() && !cancelRequested()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (cancelRequested()) throw CancelledError();
}

void JobContext::report(double fraction, const std::string& message) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  lastFraction_ = fraction;
  ProgressEvent e{id_, rootId(), name_, state_.load(), fraction, -1, message};
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (fraction > 0.01) e.etaSeconds = elapsed * (1 - fraction) / fraction;
  ProgressHub::instance().publish(e);
}

void JobContext::setState(JobState s, const std::string& message) {
  state_ = s;
  ProgressHub::instance().publish({id_, rootId(), name_, s, s == JobState::Finished ? 1.0 : lastFraction_.load(), 0, message});
}

void JobContext::run(const std::function<void(JobContext&)>& work) {
  start_ = std::chrono::steady_clock::now();
  setState(JobState::Running);
  try {
    throwIfCancelled();
    work(*this);
  } catch (const CancelledError&) {
    setState(JobState::Cancelled, "cancelled");
    throw;
  } catch (const std::exception& e) {
    setState(JobState::Failed, e.what());
    throw;
  }
  setState(JobState::Finished);
}

}  // namespace trustct
