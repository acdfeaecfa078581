#include "certs/dicom/DicomUid.h"

#include <chrono>
#include <cstdlib>
#include <random>

#include "recon/core/Errors.h"
#include "recon/core/Sha256.h"

namespace trustct {
namespace {

std::string decimal(unsigned __int128 v) {
  std::string s;
  do {
    s.insert(s.begin(), char('0' + int(v % 10)));
    v /= 10;
  } while (v != 0);
  return s;
}

unsigned __int128 random128() {
  static thread_local std::random_device device;
  unsigned __int128 v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 32) | device();
  return v;
}

unsigned __int128 fromHex(const std::string& hex) {
  unsigned __int128 v = 0;
  for (char c : hex) v = (v << 4) | unsigned(c <= '9' ? c - '0' : c - 'a' + 10);
  return v;
}

// RFC 9562 §4.1–4.2: the version in the high nibble of octet 6, the variant 0b10 in the top bits of octet 8.
unsigned __int128 asUuid(unsigned __int128 v, unsigned version) {
  const unsigned __int128 nibble = 0xF, two = 0x3;
  v = (v & ~(nibble << 76)) | (static_cast<unsigned __int128>(version) << 76);
  v = (v & ~(two << 62)) | (static_cast<unsigned __int128>(0x2) << 62);
  return v;
}

}  // namespace

bool isValidUid(const std::string& uid) {
  if (uid.empty() || uid.size() > 64 || uid.front() == '.' || uid.back() == '.') return false;
  size_t start = 0;
  while (start <= uid.size()) {
    const size_t dot = uid.find('.', start);
    const std::string part = uid.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) return false;
    if (part.size() > 1 && part[0] == '0') return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

UidGenerator::UidGenerator(std::string root) : root_(std::move(root)) {
  if (!isValidUid(root_) || root_.size() > 40)
    throw UsageError("invalid UID root '" + root_ + "' (digits and dots, no leading zeros, at most 40 characters)");
}

std::string UidGenerator::defaultRoot() {
  const char* env = std::getenv("TRUSTCT_UID_ROOT");
  return env && *env ? std::string(env) : std::string("2.25");
}

std::string UidGenerator::next() {
  if (root_ == "2.25") return root_ + "." + decimal(asUuid(random128(), 4));
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  std::string uid = root_ + "." + std::to_string(micros) + "." + decimal(random128());
  if (uid.size() > 64) uid.resize(64);  // cutting the random part keeps its leading digit: still valid
  if (uid.back() == '.') uid.pop_back();
  return uid;
}

std::string UidGenerator::derive(const std::string& name) const {
  const std::string digest = sha256Hex("TrustCT UID\n" + name);
  if (root_ == "2.25") return root_ + "." + decimal(asUuid(fromHex(digest.substr(0, 32)), 8));
  // 38 decimal digits of the first 128 bits, then as many of the next 128 as fit: no leading zero.
  std::string digits = decimal(fromHex(digest.substr(0, 32)) | (static_cast<unsigned __int128>(1) << 127)) +
                       decimal(fromHex(digest.substr(32, 32)));
  return root_ + "." + digits.substr(0, 64 - root_.size() - 1);
}

}  // namespace trustct
