#include "recon/learned/training/DistributedGroup.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "recon/core/Errors.h"
#include "recon/core/Runtime.h"
#include "recon/core/Sha256.h"

#if TRUSTCT_HAVE_DISTRIBUTED
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace trustct {

void DistributedOptions::setRendezvous(const std::string& url) {
  const std::string scheme = "tcp://";
  const size_t colon = url.rfind(':');
  if (url.rfind(scheme, 0) != 0 || colon == std::string::npos || colon <= scheme.size())
    throw UsageError("--rendezvous expects tcp://HOST:PORT, got '" + url + "'");
  host = url.substr(scheme.size(), colon - scheme.size());
  const std::string portText = url.substr(colon + 1);
  char* end = nullptr;
  const long value = std::strtol(portText.c_str(), &end, 10);
  if (portText.empty() || *end != '\0' || value < 1 || value > 65535)
    throw UsageError("--rendezvous: the port must be a number in [1, 65535], got '" + portText + "'");
  port = static_cast<int>(value);
}

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (fd >= 0) close(fd);
  if (!ok) throw std::runtime_error("no free TCP port on 127.0.0.1");
  return ntohs(addr.sin_port);
}

DistributedOptions DistributedOptions::fromEnvironment() {
  DistributedOptions o;
  auto integer = [](const char* name, long lo, long hi, int fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    const long value = std::strtol(v, &end, 10);
    if (*end != '\0' || value < lo || value > hi)
      throw UsageError(std::string("environment variable ") + name + "='" + v + "' must be an integer in [" +
                       std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int>(value);
  };
  o.worldSize = integer("WORLD_SIZE", 1, 65536, 1);
  o.rank = integer("RANK", 0, 65535, 0);
  o.port = integer("MASTER_PORT", 1, 65535, o.port);
  if (const char* addr = std::getenv("MASTER_ADDR"); addr && *addr) o.host = addr;
  return o;
}

#if TRUSTCT_HAVE_DISTRIBUTED
namespace {

std::chrono::milliseconds millis(double seconds) { return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)); }

bool isLoopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1"; }

class GlooGroup : public DistributedGroup {
 public:
  explicit GlooGroup(const DistributedOptions& o) : options_(o) {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<std::uint16_t>(o.port);
    storeOptions.isServer = o.rank == 0;
    storeOptions.numWorkers = static_cast<std::size_t>(o.worldSize);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = millis(o.timeoutSeconds);
    try {
      store_ = c10::make_intrusive<c10d::TCPStore>(o.host, storeOptions);
      auto glooOptions = c10d::ProcessGroupGloo::Options::create(millis(o.timeoutSeconds));
      // As torchrun: GLOO_SOCKET_IFNAME picks the interface; a loopback rendezvous stays on loopback.
      if (const char* iface = std::getenv("GLOO_SOCKET_IFNAME"); iface && *iface)
        glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(iface));
      else if (isLoopback(o.host))
        glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(o.host));
      else
        glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      glooOptions->threads = 1;
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", store_),
                                                           o.rank, o.worldSize, glooOptions);
    } catch (const std::exception& e) {
      throw RankLostError("distributed rendezvous at tcp://" + o.host + ":" + std::to_string(o.port) + " (rank " +
                          std::to_string(o.rank) + " of " + std::to_string(o.worldSize) + ") failed within " +
                          std::to_string(static_cast<int>(o.timeoutSeconds)) + " s: " + firstLine(e.what()));
    }
  }

  int rank() const override { return options_.rank; }
  int size() const override { return options_.worldSize; }
  std::string backend() const override { return "gloo"; }

  void broadcastFromRoot(const std::vector<torch::Tensor>& tensors) override {
    forBuckets(tensors, 4 << 20, [&](torch::Tensor& flat) {
      std::vector<at::Tensor> io{flat};
      group_->broadcast(io)->wait();
    });
  }

  void sumInPlace(const std::vector<torch::Tensor>& tensors, int64_t bucketBytes) override {
    forBuckets(tensors, bucketBytes, [&](torch::Tensor& flat) {
      std::vector<at::Tensor> io{flat};
      group_->allreduce(io)->wait();
    });
  }

  std::vector<double> sum(const std::vector<double>& values) override { return reduce(values, c10d::ReduceOp::SUM); }
  std::vector<double> max(const std::vector<double>& values) override { return reduce(values, c10d::ReduceOp::MAX); }

  std::string requireIdentical(const std::string& what, const std::string& value) override {
    const int64_t mine = static_cast<int64_t>(std::stoull(sha256Hex(value).substr(0, 15), nullptr, 16));
    std::vector<at::Tensor> input{torch::full({1}, mine, torch::kInt64)};
    std::vector<std::vector<at::Tensor>> output(1);
    for (int r = 0; r < size(); ++r) output[0].push_back(torch::empty({1}, torch::kInt64));
    guarded("comparing " + what, [&] { group_->allgather(output, input)->wait(); });
    std::string differing;
    for (int r = 0; r < size(); ++r)
      if (output[0][r].item<int64_t>() != mine) differing += (differing.empty() ? "" : ", ") + std::to_string(r);
    if (!differing.empty())
      throw RankLostError(what + " differs between ranks: rank " + std::to_string(rank()) + " has " + value +
                          ", rank(s) " + differing + " another");
    return value;
  }

  void markProgress(int64_t step) override {
    const std::string v = std::to_string(step);
    store_->set(progressKey(rank()), std::vector<uint8_t>(v.begin(), v.end()));
  }

 private:
  static std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }
  static std::string progressKey(int r) { return "trustct/progress/" + std::to_string(r); }
  static std::string failedKey(int r) { return "trustct/failed/" + std::to_string(r); }

  // Runs a collective; on failure tells the others it saw one, waits briefly for theirs and names the
  // ranks that did not report (dead or hung) with the last step they completed.
  void guarded(const std::string& what, const std::function<void()>& collective) {
    try {
      collective();
    } catch (const std::exception& e) {
      throw RankLostError(describeFailure(what, firstLine(e.what())));
    }
  }

  std::string describeFailure(const std::string& what, const std::string& cause) {
    std::string lost;
    try {
      store_->set(failedKey(rank()), std::vector<uint8_t>{1});
      std::this_thread::sleep_for(millis(std::min(3.0, options_.timeoutSeconds)));
      for (int r = 0; r < size(); ++r) {
        if (r == rank() || store_->check({failedKey(r)})) continue;
        std::string step = "none";
        if (store_->check({progressKey(r)})) {
          const std::vector<uint8_t> v = store_->get(progressKey(r));
          step = std::string(v.begin(), v.end());
        }
        lost += (lost.empty() ? "" : ", ") + std::string("rank ") + std::to_string(r) + " (last step " + step + ")";
      }
    } catch (const std::exception&) {
      lost = "rank 0 (host of the rendezvous at " + options_.host + ":" + std::to_string(options_.port) + ")";
    }
    return "distributed training stopped while " + what + " on rank " + std::to_string(rank()) + " of " +
           std::to_string(size()) + ": " + (lost.empty() ? "a rank" : lost) + " stopped responding (" + cause +
           "); resume from the last checkpoint with --resume";
  }

  std::vector<double> reduce(const std::vector<double>& values, c10d::ReduceOp op) {
    torch::Tensor t = torch::tensor(values, torch::kFloat64);
    std::vector<at::Tensor> io{t};
    c10d::AllreduceOptions o;
    o.reduceOp = op;
    guarded("reducing metrics", [&] { group_->allreduce(io, o)->wait(); });
    return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
  }

  // Flattens runs of same-dtype tensors into CPU buckets of at most `bucketBytes` (Gloo works on host
  // memory; one collective per bucket instead of per tensor), runs `collective` on each and copies back.
  void forBuckets(const std::vector<torch::Tensor>& tensors, int64_t bucketBytes,
                  const std::function<void(torch::Tensor&)>& collective) {
    torch::NoGradGuard noGrad;
    size_t i = 0;
    while (i < tensors.size()) {
      size_t j = i;
      int64_t bytes = 0;
      std::vector<torch::Tensor> parts;
      while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
             (parts.empty() || bytes + tensors[j].nbytes() <= static_cast<uint64_t>(bucketBytes))) {
        bytes += tensors[j].nbytes();
        parts.push_back(tensors[j].detach().reshape({-1}).to(torch::kCPU));
        ++j;
      }
      torch::Tensor flat = torch::cat(parts).contiguous();
      guarded("synchronising " + std::to_string(j - i) + " tensor(s)", [&] { collective(flat); });
      int64_t offset = 0;
      for (size_t k = i; k < j; ++k) {
        const int64_t n = tensors[k].numel();
        tensors[k].detach().copy_(flat.narrow(0, offset, n).view(tensors[k].sizes()));
        offset += n;
      }
      i = j;
    }
  }

  DistributedOptions options_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

std::shared_ptr<DistributedGroup> DistributedGroup::join(const DistributedOptions& options) {
  if (options.worldSize < 1 || options.rank < 0 || options.rank >= options.worldSize)
    throw UsageError("rank " + std::to_string(options.rank) + " is outside a world of " +
                     std::to_string(options.worldSize) + " process(es)");
  if (options.backend == "nccl")
    throw UsageError("--backend nccl needs a LibTorch built with CUDA and NCCL; this one offers gloo");
  if (options.backend != "auto" && options.backend != "gloo")
    throw UsageError("--backend must be auto, gloo or nccl, got '" + options.backend + "'");
  if (!(options.timeoutSeconds > 0)) throw UsageError("the distributed timeout must be > 0 seconds");
  return std::make_shared<GlooGroup>(options);
}
#else
std::shared_ptr<DistributedGroup> DistributedGroup::join(const DistributedOptions&) {
  throw notBuiltError(Feature::Distributed, "distributed training");
}
#endif

}  // namespace trustct
