#pragma once
// Reading input files: only regular files are read. A FIFO would block a reader forever and a link to
// /dev/zero would be read until memory runs out (docs/robustness.md), so such paths are refused with an
// InputError naming them, after opening without blocking (no race between the check and the read).
#include <cstdint>
#include <string>

namespace trustct {

// The whole file; InputError if it is missing, not a regular file, or larger than `maxBytes`.
std::string readRegularFile(const std::string& path, uint64_t maxBytes = uint64_t(16) << 30);
// InputError unless `path` is a regular file or a folder (a DICOM series).
void requireRegularFileOrFolder(const std::string& path);

}  // namespace trustct
