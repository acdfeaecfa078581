#include "recon/core/AtomicFile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <streambuf>

#include "recon/core/Errors.h"

namespace trustct {
namespace fs = std::filesystem;

namespace {

const char* kJournal = ".trustct-commit";
constexpr const char* kRemoved = "-";  // the journal's temporary name of a file the commit removes
// .tmp-PID-RANDOM-NAME: the target's name (and so its extension, which ITK's writers go by) comes last.
const char* kTmpPrefix = ".tmp-";

std::string errorText() { return std::strerror(errno); }

fs::path folderOf(const fs::path& target) { return target.has_parent_path() ? target.parent_path() : fs::path("."); }

// A stream buffer over a file descriptor that records the first failed write (ofstream cannot be
// opened with O_EXCL | O_NOFOLLOW).
class FdStreamBuf : public std::streambuf {
 public:
  explicit FdStreamBuf(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
  // errno of the first failed write, 0 if none.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  bool drain() {
    const char* p = pbase();
    while (p < pptr() && error_ == 0) {
      const ssize_t n = ::write(fd_, p, size_t(pptr() - p));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) error_ = n < 0 ? errno : EIO;
      else p += n;
    }
    setp(buffer_, buffer_ + sizeof buffer_);
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
  char buffer_[1 << 16];
};

struct Temporary {
  fs::path path;
  int fd = -1;
};

// O_EXCL | O_NOFOLLOW: an existing name, a planted symbolic link included, is never opened; the random
// part makes the name unpredictable, the pid lets removeStaleTemporaries() recognise a dead writer's files.
Temporary createTemporary(const fs::path& target) {
  const fs::path folder = folderOf(target);
  if (!fs::is_directory(folder)) throw InputError(target.string(), "output folder does not exist");
  std::random_device device;
  std::mt19937_64 random((uint64_t(device()) << 32) ^ device());
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::ostringstream name;
    name << kTmpPrefix << ::getpid() << '-' << std::hex << random() << '-' << target.filename().string();
    Temporary t{folder / name.str(), -1};
    t.fd = ::open(t.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (t.fd >= 0) return t;
    if (errno != EEXIST)
      throw InputError(target.string(), "cannot create a temporary file in " + folder.string() + ": " + errorText());
  }
  throw InputError(target.string(), "cannot find a free temporary file name in " + folder.string());
}

void syncFolder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);  // EINVAL on file systems without directory sync: nothing more to do there
  ::close(fd);
}

// fsync and close `t`, checking both (a full disk or quota often shows only here).
void finishTemporary(Temporary& t, const std::string& target) {
  const int fd = t.fd;
  t.fd = -1;
  if (::fsync(fd) != 0) {
    const std::string why = errorText();
    ::close(fd);
    throw InputError(target, "cannot write the file to disk: " + why);
  }
  if (::close(fd) != 0) throw InputError(target, "cannot close the written file: " + errorText());
}

void discard(Temporary& t) {
  if (t.fd >= 0) ::close(t.fd);
  t.fd = -1;
  std::error_code ignored;
  fs::remove(t.path, ignored);
}

void renameIntoPlace(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw InputError(to.string(), "cannot rename the temporary file into place: " + errorText());
}

void writeTemporary(Temporary& t, const std::string& target, const std::function<void(std::ostream&)>& write) {
  FdStreamBuf buffer(t.fd);
  std::ostream out(&buffer);
  write(out);
  out.flush();
  if (buffer.error() != 0) throw InputError(target, std::string("write failed: ") + std::strerror(buffer.error()));
  if (!out) throw InputError(target, "write failed");
  finishTemporary(t, target);
}

bool nameExists(const fs::path& p) {  // lstat: a dangling link exists too
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

// A library writes the temporary by its name; it must still be the file created exclusively (a name
// swapped for a link meanwhile is refused), then it is fsynced and closed.
void fillViaPath(Temporary& t, const std::string& target, const std::function<void(const std::string& tmp)>& write) {
  write(t.path.string());
  struct stat opened {}, named {};
  if (::fstat(t.fd, &opened) != 0 || ::lstat(t.path.c_str(), &named) != 0 || !S_ISREG(named.st_mode) ||
      opened.st_dev != named.st_dev || opened.st_ino != named.st_ino)
    throw InputError(target, "the temporary file " + t.path.string() + " was replaced while it was written");
  finishTemporary(t, target);
}

// unlink: a link is removed, never followed.
void removeIfPresent(const fs::path& p) {
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) throw InputError(p.string(), "cannot remove: " + errorText());
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  Temporary t = createTemporary(path);
  try {
    writeTemporary(t, path, write);
    renameIntoPlace(t.path, path);
  } catch (...) {
    discard(t);
    throw;
  }
  syncFolder(folderOf(path));
}

void writeTextAtomically(const std::string& path, const std::string& text) {
  writeFileAtomically(path, [&](std::ostream& out) { out << text; });
}

void writeFileViaPath(const std::string& path, const std::function<void(const std::string& tmp)>& write) {
  Temporary t = createTemporary(path);
  try {
    fillViaPath(t, path, write);
    renameIntoPlace(t.path, path);
  } catch (...) {
    discard(t);
    throw;
  }
  syncFolder(folderOf(path));
}

FileSetWriter::FileSetWriter(std::string folder) : folder_(std::move(folder)) { completeInterruptedCommit(folder_); }

FileSetWriter::~FileSetWriter() {
  if (journaled_) return;  // the journal decides: completeInterruptedCommit() finishes the set
  std::error_code ignored;
  for (const auto& [tmp, name] : files_)
    if (tmp != kRemoved) fs::remove(fs::path(folder_) / tmp, ignored);
}

namespace {
// A temporary beside `target`, filled by `fill` (removed if that throws); its file name.
template <class Fill>
std::string stageTemporary(const std::string& target, Fill fill) {
  Temporary t = createTemporary(target);
  try {
    fill(t);
  } catch (...) {
    discard(t);
    throw;
  }
  return t.path.filename().string();
}
}  // namespace

std::string FileSetWriter::add(const std::string& name, const std::function<void(std::ostream&)>& write) {
  const std::string target = (fs::path(folder_) / name).string();
  files_.emplace_back(stageTemporary(target, [&](Temporary& t) { writeTemporary(t, target, write); }), name);
  return (fs::path(folder_) / files_.back().first).string();
}

void FileSetWriter::addViaPath(const std::string& name, const std::function<void(const std::string& tmp)>& write) {
  const std::string target = (fs::path(folder_) / name).string();
  files_.emplace_back(stageTemporary(target, [&](Temporary& t) { fillViaPath(t, target, write); }), name);
}

void FileSetWriter::removeOnCommit(const std::string& name) {
  if (!has(name)) files_.emplace_back(kRemoved, name);
}

bool FileSetWriter::has(const std::string& name) const {
  for (const auto& f : files_)
    if (f.second == name) return true;
  return false;
}

std::vector<std::pair<std::string, std::string>> FileSetWriter::staged() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [tmp, name] : files_)
    if (tmp != kRemoved) out.emplace_back(name, (fs::path(folder_) / tmp).string());
  return out;
}

void FileSetWriter::commit() {
  const fs::path folder(folder_), journal = folder / kJournal;
  std::string lines;
  for (const auto& [tmp, name] : files_) lines += tmp + "\t" + name + "\n";
  // The journal appears whole (written to a temporary, then linked: link() never replaces a name).
  Temporary t = createTemporary(journal);
  try {
    writeTemporary(t, journal.string(), [&](std::ostream& out) { out << lines; });
    if (::link(t.path.c_str(), journal.c_str()) != 0)
      throw InputError(folder_, "another write of this folder is in progress or was interrupted (" +
                                    journal.string() + "): " + errorText());
  } catch (...) {
    discard(t);
    throw;
  }
  discard(t);
  journaled_ = true;
  syncFolder(folder);
  faultPoint("file-set:journaled");
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i].first == kRemoved) removeIfPresent(folder / files_[i].second);
    else renameIntoPlace(folder / files_[i].first, folder / files_[i].second);
    if (i == 0) faultPoint("file-set:renamed-first");
  }
  syncFolder(folder);
  if (::unlink(journal.c_str()) != 0) throw InputError(journal.string(), "cannot remove the commit journal: " + errorText());
  syncFolder(folder);
}

bool completeInterruptedCommit(const std::string& folder) {
  const fs::path dir(folder), journal = dir / kJournal;
  if (!nameExists(journal)) return false;
  std::ifstream in(journal);
  if (!in) throw InputError(journal.string(), "cannot read the journal of an interrupted write");
  std::string line;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    const std::string tmp = line.substr(0, tab), name = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (tab == std::string::npos || tmp.find('/') != std::string::npos || name.find('/') != std::string::npos ||
        tmp.empty() || name.empty())
      throw InputError(journal.string(), "malformed journal of an interrupted write: '" + line + "'");
    if (tmp == kRemoved) removeIfPresent(dir / name);
    else if (nameExists(dir / tmp)) renameIntoPlace(dir / tmp, dir / name);
    else if (!nameExists(dir / name))
      throw InputError(folder, "an interrupted write lost " + name + " (neither it nor " + tmp + " exists)");
  }
  syncFolder(dir);
  if (::unlink(journal.c_str()) != 0)
    throw InputError(journal.string(), "cannot remove the journal of an interrupted write: " + errorText());
  syncFolder(dir);
  return true;
}

int removeStaleTemporaries(const std::string& folder) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTmpPrefix, 0) != 0) continue;
    char* end = nullptr;
    const long pid = std::strtol(name.c_str() + std::strlen(kTmpPrefix), &end, 10);
    if (pid <= 0 || *end != '-' || pid == ::getpid()) continue;
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;  // its writer still runs (or is not ours to judge)
    std::error_code ignored;
    if (fs::remove(entry.path(), ignored)) ++removed;
  }
  return removed;
}

void faultPoint(const char* point) {
  const char* at = std::getenv("TRUSTCT_FAULT_AT");
  if (at && std::strcmp(at, point) == 0) ::_exit(kInjectedFaultExit);
}

}  // namespace trustct
