#include "recon/core/FolderLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "recon/core/Errors.h"

namespace trustct {

FolderLock::FolderLock(const std::string& folder, const std::string& holder) {
  const std::string path = (std::filesystem::path(folder) / kFileName).string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(folder, std::string("cannot lock the folder (") + std::strerror(errno) + ")");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) throw InputError(folder, holder + " is writing into this folder; wait for it or choose another");
    throw InputError(folder, std::string("cannot lock the folder (") + std::strerror(err) + ")");
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

FolderLock::FolderLock(FolderLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

}  // namespace trustct
