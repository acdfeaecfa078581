#pragma once
// Files are written to a unique temporary name beside the target and renamed into place, so a crash or
// an error never leaves a half-written output, and a link planted in the folder is never followed.
// Temporary files are created with O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC under an unpredictable
// name (.tmp-PID-RANDOM-NAME), every write and the close are checked, the file is fsynced before the
// rename and the folder after it.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace trustct {

// Calls `write` on a stream to a temporary file, then renames it to `path`. On any exception the
// temporary file is removed and the exception (InputError naming `path` for I/O problems) propagates.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void writeTextAtomically(const std::string& path, const std::string& text);
// For libraries that write by file name (HDF5, ITK): `write(tmp)` fills the temporary file, which was
// created exclusively; it must still be that same regular file when it is renamed to `path`.
void writeFileViaPath(const std::string& path, const std::function<void(const std::string& tmp)>& write);

// A set of files in one folder that appears whole or not at all (a model: weights, card, Markdown card).
// add() writes each file to its temporary name at once; commit() writes a journal naming them, renames
// them into place and removes the journal. A crash after the journal leaves a set that
// completeInterruptedCommit() finishes; a crash before it leaves the previous set untouched.
class FileSetWriter {
 public:
  explicit FileSetWriter(std::string folder);
  ~FileSetWriter();  // removes the temporaries of a set that was not committed
  FileSetWriter(const FileSetWriter&) = delete;
  FileSetWriter& operator=(const FileSetWriter&) = delete;
  // Writes FOLDER/name's content now; returns the temporary file's path (to hash it, e.g.).
  std::string add(const std::string& name, const std::function<void(std::ostream&)>& write);
  // The same for libraries that write by file name (as writeFileViaPath).
  void addViaPath(const std::string& name, const std::function<void(const std::string& tmp)>& write);
  // FOLDER/name is removed by the commit (if it exists): a file of the previous set the new one has not.
  void removeOnCommit(const std::string& name);
  // Whether the set holds a file of this name.
  bool has(const std::string& name) const;
  // The staged files (not those removed on commit): final name → temporary path, to hash them, e.g.
  std::vector<std::pair<std::string, std::string>> staged() const;
  void commit();

 private:
  std::string folder_;
  std::vector<std::pair<std::string, std::string>> files_;  // temporary name (kRemoved: none), final name
  bool journaled_ = false;
};

// Finishes a file set whose commit was interrupted (its journal is still in `folder`); true if there was
// one. InputError naming the folder when it cannot be finished.
bool completeInterruptedCommit(const std::string& folder);

// Removes temporary files in `folder` left by processes that no longer run (a killed run's
// temporary checkpoint would otherwise fill the disk over time). Returns how many were removed.
int removeStaleTemporaries(const std::string& folder);

// Test-only fault injection: when $TRUSTCT_FAULT_AT equals `point`, the process exits at once with
// kInjectedFaultExit (as a kill would stop it), so tests can stop a writer between two files.
constexpr int kInjectedFaultExit = 86;
void faultPoint(const char* point);

}  // namespace trustct
