#pragma once
// DICOM UIDs under the project's own root, never DCMTK's. The default root "2.25" is the ISO/IEC 9834-8
// UUID arc (PS3.5 §B.2): 2.25.<128-bit random number>, unique without any registration. A site with its
// own registered root sets it with TRUSTCT_UID_ROOT or --uid-root; UIDs are then <root>.<time>.<random>.
#include <string>

namespace trustct {

class UidGenerator {
 public:
  // UsageError when the root is not a valid UID prefix (digits and dots, no leading zeros, ≤ 40 characters).
  explicit UidGenerator(std::string root = defaultRoot());
  static std::string defaultRoot();  // $TRUSTCT_UID_ROOT, else "2.25"
  const std::string& root() const { return root_; }
  std::string next();  // a fresh UID of at most 64 characters

 private:
  std::string root_;
};

bool isValidUid(const std::string& uid);

}  // namespace trustct
