#pragma once
// Data-parallel training across processes and machines on LibTorch's own distributed engine, c10d: ranks
// meet through a TCPStore that rank 0 hosts, then talk through a Gloo process group (CPU tensors). The
// C++ API has no DistributedDataParallel, so the synchronisation the Trainer needs is here: parameters
// broadcast from rank 0, gradients summed in flattened buckets, scalars summed, and a check that every
// rank holds the same weights. A collective that fails (a rank died) or times out (a rank hangs) becomes a
// RankLostError naming the rank(s) that stopped reporting progress.
#include <torch/types.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace trustct {

struct DistributedOptions {
  int worldSize = 1;
  int rank = 0;
  std::string host = "127.0.0.1";  // where rank 0 hosts the rendezvous store
  int port = 29500;
  std::string backend = "auto";    // auto (Gloo on the CPU), gloo, nccl
  double timeoutSeconds = 300;     // rendezvous and every collective

  bool distributed() const { return worldSize > 1; }
  // "tcp://HOST:PORT" → host and port; UsageError naming the option on anything else.
  void setRendezvous(const std::string& url);
  // torchrun's variables WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT where set (explicit flags win).
  static DistributedOptions fromEnvironment();
};

// A TCP port on 127.0.0.1 that is free now (the kernel's choice for port 0), for ranks started on this machine.
int freeLoopbackPort();

// A collective that could not complete: the message names the rank(s) that stopped and the cause.
class RankLostError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DistributedGroup {
 public:
  // Joins the group: blocks until all ranks have met or the timeout has passed (RankLostError).
  // NotBuiltError where this build has no c10d/Gloo (TRUSTCT_WITH_DISTRIBUTED=OFF).
  static std::shared_ptr<DistributedGroup> join(const DistributedOptions& options);
  virtual ~DistributedGroup() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend() const = 0;
  bool isRoot() const { return rank() == 0; }

  // Overwrites `tensors` everywhere with rank 0's values.
  virtual void broadcastFromRoot(const std::vector<torch::Tensor>& tensors) = 0;
  // Sums `tensors` over the ranks in place, in flattened buckets of at most `bucketBytes`.
  virtual void sumInPlace(const std::vector<torch::Tensor>& tensors, int64_t bucketBytes = 4 << 20) = 0;
  // Element-wise sum and maximum of small vectors of numbers over the ranks.
  virtual std::vector<double> sum(const std::vector<double>& values) = 0;
  virtual std::vector<double> max(const std::vector<double>& values) = 0;
  // RankLostError unless every rank passes the same `value` (e.g. a weights fingerprint); returns it.
  virtual std::string requireIdentical(const std::string& what, const std::string& value) = 0;
  // Publishes this rank's progress (its optimiser step) so a failure can name the ranks left behind.
  virtual void markProgress(int64_t step) = 0;
};

}  // namespace trustct
