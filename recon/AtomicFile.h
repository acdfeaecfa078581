#pragma once
// Files are written to a temporary name beside the target and renamed into place, so a crash or an
// error never leaves a half-written output.
#include <functional>
#include <ostream>
#include <string>

namespace trustct {

// Calls `write` on a stream to a temporary file, then renames it to `path`. On any exception the
// temporary file is removed and the exception (InputError for I/O problems) propagates.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& write);
void writeTextAtomically(const std::string& path, const std::string& text);

}  // namespace trustct
