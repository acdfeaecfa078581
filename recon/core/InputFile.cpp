#include "recon/core/InputFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "recon/core/Errors.h"

namespace trustct {
namespace {

std::string kindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a folder";
  return "not a regular file";
}

}  // namespace

std::string readRegularFile(const std::string& path, uint64_t maxBytes) {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait for one.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw InputError(path, std::string("cannot open file: ") +
                               (errno == ENOENT ? "no such file or folder" : std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const std::string kind = ::fstat(fd, &st) == 0 ? kindOf(st.st_mode) : "unreadable";
    ::close(fd);
    throw InputError(path, "is " + kind + ", not a regular file; refusing to read it");
  }
  if (uint64_t(st.st_size) > maxBytes) {
    ::close(fd);
    throw InputError(path, "is " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(maxBytes) +
                               " an input may have");
  }
  std::string bytes(size_t(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += size_t(n);
  }
  ::close(fd);
  if (done != bytes.size()) throw InputError(path, "cannot read the whole file (it changed or shrank while being read)");
  return bytes;
}

void requireRegularFileOrFolder(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path, "no such file or folder");
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    throw InputError(path, "is " + kindOf(st.st_mode) + ", not a regular file or folder; refusing to read it");
}

}  // namespace trustct
