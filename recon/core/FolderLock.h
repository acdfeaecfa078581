#pragma once
// An exclusive lock on a folder for as long as the object lives: an advisory flock on FOLDER/.trustct.lock
// (created O_NOFOLLOW, never removed, so every process locks the same file). Two exports into one
// folder would otherwise interleave their files — one patient's CT beside another's SR, with a manifest
// naming only one of them (docs/robustness.md). flock locks belong to the open file, so a second
// FolderLock on the same folder is refused within one process too.
#include <string>

namespace trustct {

class FolderLock {
 public:
  // InputError naming the folder when it cannot be locked, or when `holder` (e.g. "another export") holds it.
  FolderLock(const std::string& folder, const std::string& holder);
  ~FolderLock();
  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&&) = delete;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

  static constexpr const char* kFileName = ".trustct.lock";

 private:
  int fd_ = -1;
};

}  // namespace trustct
