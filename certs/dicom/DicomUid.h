#pragma once
// DICOM UIDs under the project's own root, never DCMTK's. The default root "2.25" is the ISO/IEC 9834-8
// UUID arc (PS3.5 §B.2): 2.25.<128-bit random number>, unique without any registration. A site with its
// own registered root sets it with TRUSTCT_UID_ROOT or --uid-root; UIDs are then <root>.<time>.<random>.
// Under 2.25 the number is a UUID (RFC 9562) with its version and variant bits set: version 4 for a random
// UID, version 8 (name-based on SHA-256, RFC 9562 §5.8 and Appendix B.2) for a derived one, so that the
// same reconstruction exported or sent again gets the same UIDs and replaces its earlier copy.
#include <string>

namespace trustct {

class UidGenerator {
 public:
  // UsageError when the root is not a valid UID prefix (digits and dots, no leading zeros, ≤ 40 characters).
  explicit UidGenerator(std::string root = defaultRoot());
  static std::string defaultRoot();  // $TRUSTCT_UID_ROOT, else "2.25"
  const std::string& root() const { return root_; }
  std::string next();  // a fresh UID of at most 64 characters
  // The UID of `name` under this root: the same name always gives the same UID, different names
  // different ones (SHA-256); <root>.<digits of the digest> for a root other than 2.25.
  std::string derive(const std::string& name) const;

 private:
  std::string root_;
};

bool isValidUid(const std::string& uid);

}  // namespace trustct
