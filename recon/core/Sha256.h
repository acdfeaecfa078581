#pragma once
#include <string>

namespace trustct {
// Lower-case hex SHA-256 of a byte string / of a file's contents (InputError if unreadable).
std::string sha256Hex(const std::string& bytes);
std::string sha256File(const std::string& path);
}  // namespace trustct
